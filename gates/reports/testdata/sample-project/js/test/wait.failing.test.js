'use strict';
const { waitMinutes } = require('../src/triage');

describe('waitMinutes', () => {
  // Fails on purpose: level 3 waits 60 minutes.
  test('level 3 waits 30 minutes', () => {
    expect(waitMinutes(3)).toBe(30);
  });
});
