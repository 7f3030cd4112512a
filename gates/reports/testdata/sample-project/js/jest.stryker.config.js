'use strict';
// Stryker needs a green initial run, so it leaves out the test that fails on purpose.
const base = require('./jest.config.js');
module.exports = { ...base, collectCoverage: false, reporters: ['default'], testPathIgnorePatterns: ['/node_modules/', 'failing'] };
