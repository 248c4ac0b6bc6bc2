// The suites CI runs a second time on Node 24, the production runtime (`.ci/run`). The whole suite runs on
// this machine's Node (the README's `npm test`); inside Jest every module is transformed to CommonJS and run in
// one V8 either way, so what can differ between runtimes is what Jest does not stand between: the real CLI and
// service processes (require(esm) of the NestJS packages, compiled output, signals, exit codes), the
// cryptography (libsodium's WebAssembly, node:crypto's Ed25519/HMAC/SHA-256, argon2, WebAuthn, TOTP), the
// TLS and HTTP clients (marketplace clients, OAuth, webhook sending) and PGlite's WebAssembly. Those suites
// are listed here; a new suite of that kind belongs here too.
const base = require('./jest.config');
const RUNTIME_SUITES = [
  'cli/**',
  'sandbox/**',
  'platform/**',
  'crypto/**',
  'audit/**',
  'marketplaces/**',
  'connections/**',
  'delivery/**',
  'unit/**',
  'console/sign-in.test.ts',
  'console/passkeys.test.ts',
  'sync/crash-restart.test.ts',
  'sync/dead-letters-api.test.ts',
  'rights/offboarding.test.ts',
];
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: RUNTIME_SUITES.map((glob) => `<rootDir>/test/${glob.endsWith('**') ? `${glob}/*.test.ts` : glob}`),
};
