/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // Unit-test synths skip the template validator; the example synth in CI keeps it.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 60000,
};
