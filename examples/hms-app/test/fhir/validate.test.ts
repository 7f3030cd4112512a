import { isFhirDate, isFhirDateTime, validateObservation, validatePatient } from '../../src/fhir/validate';
import { sampleObservation, samplePatient } from '../helpers';

function expressions(issues: { expression?: string[] }[]): string[] {
  return issues.flatMap((issue) => issue.expression ?? []);
}

describe('isFhirDate', () => {
  it.each([
    ['2024', true],
    ['2024-02', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13', false],
    ['2024-00-10', false],
    ['2024-04-31', false],
    ['2024-04-00', false],
    ['24-01-01', false],
    ['2024-01-01T00:00:00Z', false],
  ])('%s is %s', (value, valid) => {
    expect(isFhirDate(value)).toBe(valid);
  });
});

describe('isFhirDateTime', () => {
  it.each([
    ['2024-01-01', true],
    ['2024-01-01T10:20:30Z', true],
    ['2024-01-01T10:20:30.123+05:30', true],
    ['2024-01-01T10:20:30+14:00', true],
    ['2024-01-01T10:20:30', false],
    ['2024-01-01T24:00:00Z', false],
    ['2024-02-30T10:00:00Z', false],
  ])('%s is %s', (value, valid) => {
    expect(isFhirDateTime(value)).toBe(valid);
  });
});

describe('validatePatient', () => {
  it('accepts a valid patient', () => {
    expect(validatePatient(samplePatient())).toEqual([]);
  });

  it.each([
    [null, 'Patient'],
    [[], 'Patient'],
    [{ resourceType: 'Observation' }, 'Patient.resourceType'],
  ])('rejects %j as a whole', (input, expression) => {
    expect(expressions(validatePatient(input))).toEqual([expression]);
  });

  it.each([
    [{ id: 'a b' }, 'Patient.id'],
    [{ id: 7 }, 'Patient.id'],
    [{ active: 'yes' }, 'Patient.active'],
    [{ gender: 'F' }, 'Patient.gender'],
    [{ birthDate: '1984-02-30' }, 'Patient.birthDate'],
    [{ birthDate: 19840212 }, 'Patient.birthDate'],
    [{ ssn: '900-00-0001' }, 'Patient.ssn'],
    [{ name: [] }, 'Patient.name'],
    [{ name: 'Doe' }, 'Patient.name'],
    [{ name: ['Doe'] }, 'Patient.name[0]'],
    [{ name: [{ family: 3 }] }, 'Patient.name[0].family'],
    [{ name: [{ given: 'Ann' }] }, 'Patient.name[0].given'],
    [{ name: [{ given: ['Ann', 2] }] }, 'Patient.name[0].given'],
    [{ name: [{ use: 'official' }] }, 'Patient.name[0]'],
    [{ identifier: [{ system: 'urn:x:y' }] }, 'Patient.identifier[0].value'],
    [{ identifier: [{ value: ' ' }] }, 'Patient.identifier[0].value'],
    [{ identifier: [{ value: 'A1', system: 'not a uri' }] }, 'Patient.identifier[0].system'],
    [{ telecom: [{ system: 'mobile', value: '555-0100' }] }, 'Patient.telecom[0].system'],
  ])('rejects %j at its element', (change, expression) => {
    expect(expressions(validatePatient({ ...samplePatient(), ...change }))).toEqual([expression]);
  });

  it('does not echo PHI values in diagnostics', () => {
    const issues = validatePatient({ ...samplePatient(), birthDate: '1984-02-30', identifier: [{ value: 'A', system: '900-12-3456' }] });
    expect(JSON.stringify(issues)).not.toContain('1984-02-30');
    expect(JSON.stringify(issues)).not.toContain('900-12-3456');
  });
});

describe('validateObservation', () => {
  it('accepts a valid observation', () => {
    expect(validateObservation(sampleObservation())).toEqual([]);
  });

  it('accepts a code with text only and a non-LOINC coding', () => {
    expect(validateObservation({ ...sampleObservation(), code: { text: 'Pulse' } })).toEqual([]);
    expect(
      validateObservation({ ...sampleObservation(), code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }] } }),
    ).toEqual([]);
  });

  it.each([
    [null, 'Observation'],
    [{ resourceType: 'Patient' }, 'Observation.resourceType'],
  ])('rejects %j as a whole', (input, expression) => {
    expect(expressions(validateObservation(input))).toEqual([expression]);
  });

  it.each([
    [{ status: 'done' }, 'Observation.status'],
    [{ status: undefined }, 'Observation.status'],
    [{ code: undefined }, 'Observation.code'],
    [{ code: {} }, 'Observation.code'],
    [{ code: { coding: [{ system: 'http://loinc.org' }] } }, 'Observation.code.coding[0].code'],
    [{ code: { coding: [{ system: 'http://loinc.org', code: '8867-3' }] } }, 'Observation.code.coding[0].code'],
    [{ subject: undefined }, 'Observation.subject.reference'],
    [{ subject: { reference: 'Group/1' } }, 'Observation.subject.reference'],
    [{ effectiveDateTime: '2026-11-09T08:00:00' }, 'Observation.effectiveDateTime'],
    [{ valueQuantity: { value: '71' } }, 'Observation.valueQuantity.value'],
    [{ valueQuantity: { value: Number.NaN } }, 'Observation.valueQuantity.value'],
    [{ valueString: 'high' }, 'Observation.value[x]'],
    [{ colour: 'red' }, 'Observation.colour'],
    [{ id: '' }, 'Observation.id'],
  ])('rejects %j at its element', (change, expression) => {
    // A change to undefined removes the element.
    const observation = Object.fromEntries(
      Object.entries({ ...sampleObservation(), ...change }).filter(([, value]) => value !== undefined),
    );
    expect(expressions(validateObservation(observation))).toEqual([expression]);
  });
});
