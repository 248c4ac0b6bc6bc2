// The suites CI runs a second time on Node 24, the production runtime (`.ci/run`). The whole suite runs on
// this machine's Node (the README's `npm test`); inside Jest every module is transformed to CommonJS and run in
// one V8 either way, so what can differ between runtimes is what Jest does not stand between, and these suites
// are the ones whose subject is exactly that:
//  - real processes: the CLI and the service started as a child (require(esm) of the NestJS packages, the compiled
//    product, signals, exit codes): the demo (sync over TLS, signed webhooks verified), the sandbox, the service's
//    start-up and shutdown, configuration errors, the log verifier's processes, a crash mid-sync;
//  - cryptography: libsodium's WebAssembly, node:crypto (Ed25519, HMAC, SHA-256), argon2, WebAuthn, TOTP;
//  - TLS and HTTP clients: the marketplace clients and OAuth against the simulators, webhook sending and its guard,
//    invitation email over SMTP with STARTTLS;
//  - PGlite's WebAssembly (migrations on the embedded database).
// The rest of the suite tests the application's own rules, which do not depend on the runtime. A new suite whose
// subject is one of the above belongs here.
const base = require('./jest.config');
const RUNTIME_SUITES = [
  'cli/demo.test.ts',
  'cli/sandbox.test.ts',
  'cli/cli-config-errors.test.ts',
  'platform/service-lifecycle.test.ts',
  'platform/migrations.test.ts',
  'platform/app-role.test.ts',
  'sync/crash-restart.test.ts',
  'audit/audit-processes.test.ts',
  'crypto/**',
  'audit/audit-chain.test.ts',
  'audit/audit-checkpoints.test.ts',
  'audit/audit-tamper.test.ts',
  'audit/audit-manifest.test.ts',
  'console/sign-in.test.ts',
  'console/passkeys.test.ts',
  'access/invitation-email.test.ts',
  'marketplaces/**',
  'connections/**',
  'delivery/dispatch.test.ts',
  'delivery/dispatcher-kill.test.ts',
  'delivery/ssrf-guard.test.ts',
  'unit/**',
];
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: RUNTIME_SUITES.map((glob) => `<rootDir>/test/${glob.endsWith('**') ? `${glob}/*.test.ts` : glob}`),
};
