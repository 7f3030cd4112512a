'use strict';
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageDirectory: 'coverage',
  coverageReporters: ['lcov', 'cobertura', 'text-summary'],
  reporters: ['default', ['jest-junit', { outputDirectory: 'reports', outputName: 'junit-jest-ts.xml', addFileAttribute: 'true' }]],
};
