'use strict';
const { triageLevel, waitMinutes } = require('../src/triage');

describe('triageLevel', () => {
  test('low oxygen is level 1', () => {
    expect(triageLevel({ heartRate: 80, systolic: 120, spo2: 85 })).toBe(1);
  });
  test('tachycardia is level 2', () => {
    expect(triageLevel({ heartRate: 130, systolic: 120, spo2: 98 })).toBe(2);
  });
  test('normal vitals are level 4', () => {
    expect(triageLevel({ heartRate: 70, systolic: 120, spo2: 98 })).toBe(4);
  });
  test('missing vitals throw', () => {
    expect(() => triageLevel()).toThrow('vitals are required');
  });
});

describe('waitMinutes', () => {
  test('level 1 waits zero minutes', () => {
    expect(waitMinutes(1)).toBe(0);
  });
  test.skip('level 5 is not defined yet', () => {
    expect(waitMinutes(5)).toBe(240);
  });
});
