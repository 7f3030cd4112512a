'use strict';
module.exports = {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/.stryker-tmp/', '/e2e/'],
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.js'],
  coverageDirectory: 'coverage',
  coverageReporters: ['lcov', 'cobertura', 'text-summary', 'json-summary'],
  reporters: ['default', ['jest-junit', { outputDirectory: 'reports', outputName: 'junit-jest.xml', addFileAttribute: 'true' }]],
};
