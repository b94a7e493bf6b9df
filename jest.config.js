/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/consumer is an app of its own, run against the packed library by test/consumer/run.sh.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumer/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Unit-test synths skip the template validator; the example synth in CI keeps it.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60000,
};
