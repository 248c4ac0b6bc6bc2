// Lets child processes started by tests run the TypeScript sources directly
// (`node -r ./test/support/swc-register.js src/cli.ts ...`), compiled in memory by
// swc with the same settings Jest uses. Test-only; the product runs compiled JS.
const Module = require('node:module');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createHash } = require('node:crypto');
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

// Compiled output is cached on disk by the source's path and content, so the many CLI children a run starts
// compile each file once instead of every time (first-run alone starts seven).
const CACHE = path.join(os.tmpdir(), `ordervault-swc-${require('@swc/core/package.json').version}`);
fs.mkdirSync(CACHE, { recursive: true });

for (const ext of ['.ts', '.tsx']) {
  const options = optionsFor(ext === '.tsx');
  Module._extensions[ext] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
    const cached = path.join(CACHE, `${key}.js`);
    let code;
    try {
      code = fs.readFileSync(cached, 'utf8');
    } catch {
      code = transformSync(source, { ...options, filename }).code;
      // Written aside and renamed: a concurrent child never reads half a file.
      const partial = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    }
    module._compile(code, filename);
  };
}
