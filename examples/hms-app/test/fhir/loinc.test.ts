import { isValidLoinc, loincCheckDigit } from '../../src/fhir/loinc';

describe('loincCheckDigit', () => {
  it.each([
    ['8867', 4],
    ['29463', 7],
    ['8310', 5],
    ['85354', 9],
    ['8480', 6],
    ['8462', 4],
    ['2339', 0],
    ['1', 8],
  ])('of %s is %i', (body, digit) => {
    expect(loincCheckDigit(body)).toBe(digit);
  });

  it.each(['', '12345678', '12a4'])('rejects body %j', (body) => {
    expect(() => loincCheckDigit(body)).toThrow(`invalid LOINC code body "${body}"`);
  });
});

describe('isValidLoinc', () => {
  it.each([
    ['8867-4', true],
    ['8867-5', false],
    ['8867', false],
    ['8867-44', false],
    ['LP1234-5', false],
    ['12345678-9', false],
  ])('%s is %s', (code, valid) => {
    expect(isValidLoinc(code)).toBe(valid);
  });
});
