// `npm run screenshots`: the README's console screenshots, taken in the real Chromium against the real
// application (same transforms and global setup as the suite; not part of `npm test`).
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = { ...base, testMatch: ['<rootDir>/test/console/browser/*.screens.ts'], maxWorkers: 1 };
