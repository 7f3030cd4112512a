'use strict';
const { maskMRN, maskPhone } = require('../src/phi/mask');

test('masks all but last four MRN digits', () => {
  expect(maskMRN('12345678')).toBe('****5678');
});
test('short MRN is fully masked', () => {
  expect(maskMRN('123')).toBe('***');
});
test('phone keeps area code', () => {
  expect(maskPhone('(555) 123-4567')).toBe('555-***-****');
});
