import { maySharePHI, maskPatientId } from '../src/phi/consent';

const now = new Date('2026-01-01T00:00:00Z');

test('granted consent allows sharing', () => {
  expect(maySharePHI({ patientId: 'p1', state: 'granted' }, now)).toBe(true);
});

test('denied consent blocks sharing', () => {
  expect(maySharePHI({ patientId: 'p1', state: 'denied' }, now)).toBe(false);
});

// Fails on purpose: an expired grant must block sharing, and it does.
test('expired grant still allows sharing', () => {
  const record = { patientId: 'p1', state: 'granted' as const, expires: new Date('2025-01-01T00:00:00Z') };
  expect(maySharePHI(record, now)).toBe(true);
});

test('patient id is masked', () => {
  expect(maskPatientId('MRN12345')).toBe('******45');
});

test.skip('short ids are fully masked', () => {
  expect(maskPatientId('A')).toBe('**');
});
