import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * The import rules of docs/ARCHITECTURE.md, checked against the code. The
 * "may import" table is read from the document itself (so the table is the
 * rule, not a copy of it); the Never list is below, and the table may not
 * contradict it. Imports are read with the TypeScript parser, so `import type`
 * and type-only re-exports are told apart from imports that run.
 */

/** A row of the table: the folders (`audit/`) or top-level files (`main.ts`) it covers, and what they may import. */
export interface ModuleRule {
  readonly units: readonly string[];
  readonly mayImport: MayImport;
}

export type MayImport =
  | { readonly kind: 'anything' }
  | {
      readonly kind: 'listed';
      /** Modules whose code may run here. */
      readonly runtime: ReadonlySet<string>;
      /** Modules whose types only may be imported (`import type`, type-only specifiers). */
      readonly typesOnly: ReadonlySet<string>;
      /** `any module (types only)`: every module's types (entry points excepted). */
      readonly anyTypes: boolean;
    };

export interface SourceFile {
  /** Relative to the repository root, with forward slashes: `src/audit/audit-log.service.ts`. */
  readonly path: string;
  readonly text: string;
}

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

export interface Violation {
  readonly rule: 'no-row' | 'not-allowed' | 'types-only' | 'never' | 'cycle' | 'unresolved' | 'table';
  readonly message: string;
}

/** The feature modules (everything but the foundations and the simulators). */
const FEATURES = [
  ...['tenants', 'access', 'marketplaces', 'connections', 'orders', 'sync', 'observability'],
  ...['delivery', 'retention', 'rights', 'console'],
];

/** docs/ARCHITECTURE.md's Never list. The table must not contradict it (checked by `checkTable`). */
export const NEVER: ReadonlyArray<{ readonly from: string; readonly to: readonly string[]; readonly why: string }> = [
  { from: 'marketplaces', to: ['orders', 'sync', 'connections'], why: 'connectors produce data, they do not store it' },
  { from: 'crypto', to: ['auth', 'audit', ...FEATURES], why: 'crypto is below every feature module' },
  { from: 'auth', to: ['config', 'crypto', 'audit', ...FEATURES], why: 'auth is a leaf over platform' },
  { from: 'audit', to: FEATURES, why: 'every module appends to the access log; it imports only auth types' },
];

/** The simulators: no product module imports them, not even their types (entry points and tools may). */
const SANDBOX = 'sandbox';
/** `*.controller.ts` and the console parse and delegate: they never reach a repository or an entity. */
const EDGE_FILE = /(\.controller\.ts$)|(^src\/console\/)/;
const STORAGE_FILE = /\.(repository|entity)\.ts$/;

const TABLE_HEADING = '## Modules and who may import whom';

/** Reads the "may import" table of docs/ARCHITECTURE.md. Throws on a cell it cannot read exactly. */
export function parseArchitectureTable(markdown: string): ModuleRule[] {
  const start = markdown.indexOf(TABLE_HEADING);
  if (start < 0) throw new Error(`docs/ARCHITECTURE.md has no "${TABLE_HEADING}" section`);
  const lines = markdown.slice(start).split('\n').slice(1);
  const rows: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      if (rows.length) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  const [header, , ...body] = rows;
  if (!header || header[0] !== 'module' || header[2] !== 'may import') {
    throw new Error('the module table must have the columns: module | owns | may import');
  }
  return body.map((cells) => {
    const units = [...cells[0].matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\/$/, ''));
    if (!units.length) throw new Error(`table row without a module in backticks: ${cells[0]}`);
    return { units, mayImport: parseMayImport(cells[2], units) };
  });
}

function parseMayImport(cell: string, units: readonly string[]): MayImport {
  const text = cell.replace(/`/g, '').trim();
  if (text === 'anything') return { kind: 'anything' };
  const runtime = new Set<string>();
  const typesOnly = new Set<string>();
  let anyTypes = false;
  if (text !== 'nothing') {
    for (const item of text.split(',').map((s) => s.trim())) {
      // `name`, `name (types only)`, or `name (a note for the reader)`.
      const m = /^([a-z][a-z-]*)\/?(?: \(([^()]+)\))?$/.exec(item);
      if (item === 'any module (types only)') anyTypes = true;
      else if (!m) throw new Error(`cannot read "${item}" in the "may import" cell of ${units.join(', ')}`);
      else (m[2] === 'types only' ? typesOnly : runtime).add(m[1]);
    }
  }
  return { kind: 'listed', runtime, typesOnly, anyTypes };
}

/** Every TypeScript file (`.ts`, and the console's `.tsx` views) under `src/` of the repository. */
export function readSourceTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') || name.endsWith('.tsx')) {
        out.push({ path: path.relative(root, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(path.join(root, 'src'));
  return out;
}

/** `audit/` for a folder, `main.ts` for a top-level file. */
const unitName = (unit: string) => (unit.endsWith('.ts') ? unit : `${unit}/`);

/** The folder (`audit`) or top-level file (`main.ts`) a `src/` file belongs to. */
export function unitOf(file: string): string {
  return file.split('/')[1];
}

/** Imports of one file, resolved to repository paths (package imports and files outside the tree are left out). */
export function importsOf(
  file: SourceFile,
  exists: (p: string) => boolean,
): { edges: ImportEdge[]; unresolved: string[] } {
  const kind = file.path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false, kind);
  const edges: ImportEdge[] = [];
  const unresolved: string[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
    const target = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find(
      (p) => (p.endsWith('.ts') || p.endsWith('.tsx')) && exists(p),
    );
    if (target) edges.push({ from: file.path, to: target, typeOnly });
    else if (base.startsWith('src/')) unresolved.push(specifier);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const elements = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      add(node.moduleSpecifier.text, node.isTypeOnly || (!!elements?.length && elements.every((e) => e.isTypeOnly)));
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node.moduleReference.expression.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { edges, unresolved };
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The table must cover every unit, allow no cycle, and allow nothing the Never list forbids. */
export function checkTable(rules: readonly ModuleRule[], never = NEVER): Violation[] {
  const violations: Violation[] = [];
  const listed = new Set(rules.flatMap((r) => r.units));
  const graph = new Map<string, Set<string>>();
  for (const rule of rules) {
    if (rule.mayImport.kind !== 'listed') continue;
    for (const unit of rule.units) {
      const targets = new Set([...rule.mayImport.runtime, ...rule.mayImport.typesOnly]);
      for (const t of targets) {
        if (!listed.has(t)) {
          violations.push({ rule: 'table', message: `${unit}/ may import "${t}", which has no row of its own` });
        }
      }
      graph.set(unit, targets);
    }
  }
  for (const rule of never) {
    const row = rules.find((r) => r.units.includes(rule.from));
    if (!row || row.mayImport.kind === 'anything') {
      violations.push({ rule: 'table', message: `${rule.from}/ must have a row with a closed "may import" list` });
      continue;
    }
    for (const to of rule.to) {
      if (row.mayImport.runtime.has(to) || row.mayImport.typesOnly.has(to)) {
        violations.push({ rule: 'table', message: `the table lets ${rule.from}/ import ${to}/: never (${rule.why})` });
      }
    }
  }

  for (const rule of rules) {
    const may = rule.mayImport;
    if (
      may.kind === 'listed' &&
      !rule.units.includes(SANDBOX) &&
      (may.runtime.has(SANDBOX) || may.typesOnly.has(SANDBOX))
    ) {
      violations.push({
        rule: 'table',
        message: `the table lets ${rule.units.map(unitName).join(', ')} import the simulators`,
      });
    }
  }
  for (const cycle of stronglyConnected(graph)) {
    violations.push({ rule: 'table', message: `the table allows a cycle: ${cycle.join(' ↔ ')}` });
  }
  return violations;
}

/** Checks every import of the tree against the table, the Never rules, and for cycles between folders. */
export function checkBoundaries(files: readonly SourceFile[], rules: readonly ModuleRule[]): Violation[] {
  const violations: Violation[] = [];
  const ruleOf = new Map<string, ModuleRule>();
  for (const rule of rules) for (const unit of rule.units) ruleOf.set(unit, rule);
  const entryUnits = new Set(rules.filter((r) => r.mayImport.kind === 'anything').flatMap((r) => r.units));
  const paths = new Set(files.map((f) => f.path));
  const graph = new Map<string, Set<string>>();
  const example = new Map<string, string>();

  for (const unit of new Set(files.map((f) => unitOf(f.path)))) {
    if (!ruleOf.has(unit)) {
      violations.push({
        rule: 'no-row',
        message: `src/${unit} has no row in docs/ARCHITECTURE.md (add \`${unitName(unit)}\`)`,
      });
    }
  }
  for (const file of files) {
    const from = unitOf(file.path);
    const { edges, unresolved } = importsOf(file, (p) => paths.has(p));
    for (const specifier of unresolved) {
      violations.push({ rule: 'unresolved', message: `${file.path}: cannot resolve "${specifier}"` });
    }
    for (const edge of edges) {
      if (!edge.to.startsWith('src/')) continue;
      const to = unitOf(edge.to);
      if (EDGE_FILE.test(edge.from) && STORAGE_FILE.test(edge.to)) {
        violations.push({
          rule: 'never',
          message: `${edge.from} imports ${edge.to}: controllers and the console go through services, never a repository or an entity`,
        });
      }
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
      if (!example.has(`${from}→${to}`)) example.set(`${from}→${to}`, `${edge.from} → ${edge.to}`);
      const rule = ruleOf.get(from);
      if (!rule || rule.mayImport.kind === 'anything') continue;
      const may = rule.mayImport;
      const allowed =
        may.runtime.has(to) || (edge.typeOnly && (may.typesOnly.has(to) || (may.anyTypes && !entryUnits.has(to))));
      if (allowed) continue;
      const typesWouldDo = may.typesOnly.has(to) || (may.anyTypes && !entryUnits.has(to));
      violations.push(
        typesWouldDo
          ? {
              rule: 'types-only',
              message: `${edge.from} imports ${edge.to} at runtime: ${from}/ may import only types from ${to}/ (use \`import type\`)`,
            }
          : {
              rule: 'not-allowed',
              message: `${edge.from} imports ${edge.to}: ${from}/ may import ${describe(may)} (docs/ARCHITECTURE.md)`,
            },
      );
    }
  }
  for (const cycle of stronglyConnected(graph)) {
    const links = cycle.flatMap((a) => cycle.map((b) => example.get(`${a}→${b}`)).filter(Boolean));
    violations.push({
      rule: 'cycle',
      message: `folders import each other: ${cycle.join(' ↔ ')} (${links.join('; ')})`,
    });
  }
  return violations;
}

function describe(may: Extract<MayImport, { kind: 'listed' }>): string {
  const items = [...may.runtime, ...[...may.typesOnly].map((t) => `${t} (types only)`)];
  if (may.anyTypes) items.push('any module (types only)');
  return items.length ? items.join(', ') : 'nothing';
}

/** Tarjan's strongly connected components with more than one member, each sorted. */
export function stronglyConnected(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}
