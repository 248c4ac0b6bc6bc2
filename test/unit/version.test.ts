import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ORDERVAULT_VERSION } from '../../src/platform/version';

describe('the product version', () => {
  it('is package.json’s (the webhook User-Agent names it)', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(ORDERVAULT_VERSION).toBe(pkg.version);
  });
});
