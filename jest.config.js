/** Unit and integration tests for the Node workspaces (the plugin has its own jest config). */
const tsJest = [
  'ts-jest',
  {
    isolatedModules: true,
    tsconfig: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/src',
    '<rootDir>/scorer',
    '<rootDir>/bench',
    '<rootDir>/scripts',
    '<rootDir>/provisioning',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': tsJest },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60_000,
};
