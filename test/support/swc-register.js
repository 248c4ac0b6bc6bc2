// Lets child processes started by tests run the TypeScript sources directly
// (`node -r ./test/support/swc-register.js src/cli.ts ...`), compiled in memory by
// swc with the same settings Jest uses. Test-only; the product runs compiled JS.
const Module = require('node:module');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const optionsFor = (tsx) => ({
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
  sourceMaps: 'inline',
});

for (const ext of ['.ts', '.tsx']) {
  const options = optionsFor(ext === '.tsx');
  Module._extensions[ext] = function compileTs(module, filename) {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
    module._compile(code, filename);
  };
}
