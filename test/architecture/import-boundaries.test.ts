import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  checkBoundaries,
  checkTable,
  parseArchitectureTable,
  readSourceTree,
  type ModuleRule,
  type SourceFile,
  type Violation,
} from './import-boundaries';

const ROOT = path.resolve(__dirname, '../..');
const DOC = readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
const RULES = parseArchitectureTable(DOC);
const TREE = readSourceTree(ROOT);

const messages = (violations: readonly Violation[]) => violations.map((v) => `${v.rule}: ${v.message}`);
/** The real tree with files added (or replaced) in memory. */
const planted = (...files: SourceFile[]): SourceFile[] => [
  ...TREE.filter((f) => !files.some((p) => p.path === f.path)),
  ...files,
];
const file = (p: string, ...lines: string[]): SourceFile => ({ path: p, text: lines.join('\n') });

describe('docs/ARCHITECTURE.md: the module table is the import rule', () => {
  it('the table reads exactly, has no cycle, and contradicts no Never rule', () => {
    expect(messages(checkTable(RULES))).toEqual([]);
    const units = RULES.flatMap((r) => r.units);
    for (const m of ['auth', 'audit', 'delivery', 'retention', 'rights', 'console']) expect(units).toContain(m);
  });

  it('every import under src/ keeps to it, and no two folders import each other', () => {
    expect(TREE.length).toBeGreaterThan(100);
    expect(messages(checkBoundaries(TREE, RULES))).toEqual([]);
  });
});

describe('the boundary check fails on planted violations', () => {
  const check = (...files: SourceFile[]) => messages(checkBoundaries(planted(...files), RULES));

  it('an import the table does not allow (static, re-export, dynamic import and require alike)', () => {
    expect(check(file('src/audit/planted.ts', "import { AccessGuard } from '../access/access.guard';"))).toEqual([
      expect.stringMatching(
        /^not-allowed: src\/audit\/planted\.ts imports src\/access\/access\.guard\.ts: audit\/ may import platform, config, crypto, auth \(types only\)/,
      ),
      // access/ imports audit/, so this is also the cycle the module table exists to prevent.
      expect.stringMatching(
        /^cycle: folders import each other: access ↔ audit( ↔ tenants)? \(.*src\/audit\/planted\.ts → src\/access\/access\.guard\.ts.*\)$/,
      ),
    ]);
    expect(check(file('src/audit/planted.ts', "export { OrdersService } from '../orders';"))).toEqual([
      expect.stringMatching(/^not-allowed: src\/audit\/planted\.ts imports src\/orders\/index\.ts/),
    ]);
    expect(
      check(file('src/marketplaces/planted.ts', "export const load = () => import('../tenants/tenants.service');")),
    ).toEqual([
      expect.stringMatching(/^not-allowed: src\/marketplaces\/planted\.ts imports src\/tenants\/tenants\.service\.ts/),
    ]);
    expect(check(file('src/crypto/planted.ts', "const t = require('../marketplaces/wire');", 'export { t };'))).toEqual(
      [expect.stringMatching(/^not-allowed: src\/crypto\/planted\.ts imports src\/marketplaces\/wire\.ts/)],
    );
  });

  it('a runtime import where only types are allowed; types alone pass', () => {
    expect(check(file('src/audit/planted.ts', "import { RequirePermission } from '../auth';"))).toEqual([
      'types-only: src/audit/planted.ts imports src/auth/index.ts at runtime: audit/ may import only types from auth/ (use `import type`)',
    ]);
    expect(check(file('src/audit/planted.ts', "import { type Principal, type StaffRole } from '../auth';"))).toEqual(
      [],
    );
    expect(check(file('src/audit/planted.ts', "import type { Principal } from '../auth/principal';"))).toEqual([]);
    expect(check(file('src/audit/planted.ts', "export type { ActorContext } from '../auth';"))).toEqual([]);
    expect(
      check(
        file('src/orders/planted.ts', "import { AmazonConnector } from '../marketplaces/amazon/amazon-connector';"),
      ),
    ).toEqual([expect.stringMatching(/^types-only: src\/orders\/planted\.ts imports/)]);
  });

  it('the product importing the simulators, and the modules about to arrive held to their rows', () => {
    expect(check(file('src/orders/planted.ts', "import { simulatedBuyer } from '../sandbox/buyers';"))).toEqual([
      expect.stringMatching(/^not-allowed: src\/orders\/planted\.ts imports src\/sandbox\/buyers\.ts/),
    ]);
    // delivery may read orders, not the sync worker; retention may use delivery; delivery may not use retention.
    expect(check(file('src/delivery/planted.ts', "import { OrdersService } from '../orders';"))).toEqual([]);
    expect(check(file('src/delivery/planted.ts', "import { SyncWorker } from '../sync/sync-worker';"))).toEqual([
      expect.stringMatching(/^not-allowed: src\/delivery\/planted\.ts imports src\/sync\/sync-worker\.ts/),
    ]);
    expect(
      check(
        file('src/retention/sweep.ts', "import { Hook } from '../delivery/hook';", 'export const s = Hook;'),
        file('src/delivery/hook.ts', "import { s } from '../retention/sweep';", 'export const Hook = s;'),
      ),
    ).toEqual([
      expect.stringMatching(/^not-allowed: src\/delivery\/hook\.ts imports src\/retention\/sweep\.ts/),
      'cycle: folders import each other: delivery ↔ retention (src/delivery/hook.ts → src/retention/sweep.ts; src/retention/sweep.ts → src/delivery/hook.ts)',
    ]);
  });

  it('a controller or the console reaching a repository or an entity', () => {
    expect(
      check(file('src/orders/planted.controller.ts', "import { OrdersRepository } from './orders.repository';")),
    ).toEqual([
      expect.stringMatching(/^never: src\/orders\/planted\.controller\.ts imports src\/orders\/orders\.repository\.ts/),
    ]);
    expect(check(file('src/console/pages.ts', "import type { Tenant } from '../tenants/tenant.entity';"))).toEqual([
      expect.stringMatching(/^never: src\/console\/pages\.ts imports src\/tenants\/tenant\.entity\.ts/),
    ]);
  });

  it('a folder without a row, and an import that resolves to nothing', () => {
    expect(check(file('src/billing/invoice.ts', 'export const x = 1;'))).toEqual([
      'no-row: src/billing has no row in docs/ARCHITECTURE.md (add `billing/`)',
    ]);
    expect(check(file('src/orders/planted.ts', "import { x } from './does-not-exist';"))).toEqual([
      'unresolved: src/orders/planted.ts: cannot resolve "./does-not-exist"',
    ]);
  });

  it('a cycle is reported even where a table would allow both directions', () => {
    const rules: ModuleRule[] = [
      { units: ['a'], mayImport: { kind: 'listed', runtime: new Set(['b']), typesOnly: new Set(), anyTypes: false } },
      { units: ['b'], mayImport: { kind: 'listed', runtime: new Set(), typesOnly: new Set(['a']), anyTypes: false } },
    ];
    const files = [
      file('src/a/one.ts', "import { two } from '../b/two';", 'export const one = two;'),
      file('src/b/two.ts', "import type { One } from '../a/types';", 'export const two = 2;'),
      file('src/a/types.ts', 'export type One = number;'),
    ];
    expect(messages(checkBoundaries(files, rules))).toEqual([
      'cycle: folders import each other: a ↔ b (src/a/one.ts → src/b/two.ts; src/b/two.ts → src/a/types.ts)',
    ]);
    expect(messages(checkTable(rules, []))).toEqual(['table: the table allows a cycle: a ↔ b']);
  });
});

describe('the table itself is checked', () => {
  const withRow = (module: string, mayImport: string) =>
    DOC.replace(
      new RegExp(`^(\\| \`${module}/\` +\\|[^|]*\\| )[^|]*\\|$`, 'm'),
      (_, head: string) => `${head}${mayImport} |`,
    );

  it('a row that allows what the Never list forbids, or a cycle', () => {
    expect(messages(checkTable(parseArchitectureTable(withRow('marketplaces', 'platform, config, orders'))))).toEqual([
      'table: the table lets marketplaces/ import orders/: never (connectors produce data, they do not store it)',
      'table: the table allows a cycle: marketplaces ↔ orders',
    ]);
    expect(
      messages(checkTable(parseArchitectureTable(withRow('audit', 'platform, config, crypto, auth, tenants')))),
    ).toEqual([
      'table: the table lets audit/ import tenants/: never (every module appends to the access log; it imports only auth types)',
      'table: the table allows a cycle: audit ↔ tenants',
    ]);
    expect(messages(checkTable(parseArchitectureTable(withRow('platform', 'config, auth'))))).toEqual([
      'table: the table allows a cycle: auth ↔ platform',
    ]);
    expect(messages(checkTable(parseArchitectureTable(withRow('orders', 'platform, auth, crypto, sandbox'))))).toEqual([
      'table: the table lets orders/ import the simulators',
    ]);
  });

  it('a cell it cannot read exactly is an error, not a guess', () => {
    expect(() => parseArchitectureTable(withRow('orders', 'platform and crypto'))).toThrow(
      /cannot read "platform and crypto"/,
    );
  });
});
