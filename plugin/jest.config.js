// Dates in snapshots and formatted labels are asserted in UTC.
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swc = base.transform['^.+\\.(t|j)sx?$'];

/** The scaffolded config, plus: `.mjs` from ESM-only packages (d3-color) and @tidemark/core's TypeScript sources. */
module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/tests/'],
};
