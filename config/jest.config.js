// Jest runs TypeScript through swc (legacy decorators + metadata, as Nest and TypeORM need).
// NestJS 12 ships ESM only, so those packages are transformed to CommonJS too.
// The console's views are TSX rendered by preact (the automatic runtime, as tsconfig's jsxImportSource says);
// .ts files are parsed without JSX so `<T>value` casts keep their meaning.
/** @type {import('jest').Config} */
const swcFor = (tsx) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx },
      transform: {
        legacyDecorator: true,
        decoratorMetadata: true,
        ...(tsx ? { react: { runtime: 'automatic', importSource: 'preact' } } : {}),
      },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
module.exports = {
  // This file lives in config/; everything it names is relative to the repository root.
  rootDir: '..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': swcFor(false),
    '^.+\\.tsx$': swcFor(true),
    '^.+\\.m?js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid|file-type|strtok3|token-types|@tokenizer)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
