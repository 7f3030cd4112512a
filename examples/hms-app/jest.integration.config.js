/**
 * Integration suites against a real PostgreSQL (HMS_TEST_DATABASE_URL) and Redis
 * (HMS_TEST_REDIS_URL). Each suite is skipped when its variable is unset. No coverage threshold:
 * the unit suites in jest.config.js own coverage.
 */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
};
