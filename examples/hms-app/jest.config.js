/**
 * Jest with ts-jest. Coverage thresholds follow the hmsci policy in hmsci.yaml: 85 % lines and
 * 80 % branches overall, 95 % on the modules that handle PHI. server.ts and dev-server.ts only
 * wire real clients to the app and are run by hand, so they are left out of coverage.
 */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The integration suites need PostgreSQL and Redis; jest.integration.config.js runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
  collectCoverageFrom: ['src/**/*.ts', '!src/server.ts', '!src/dev-server.ts', '!src/db/migrate-cli.ts'],
  coverageReporters: ['text-summary', 'lcov', 'cobertura'],
  coverageThreshold: {
    global: { lines: 85, branches: 80 },
    './src/phi/': { lines: 95, branches: 95 },
    './src/patients/': { lines: 95, branches: 95 },
  },
  reporters: ['default'],
};
