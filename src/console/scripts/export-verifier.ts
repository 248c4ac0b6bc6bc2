/// <reference lib="dom" />
/**
 * The in-browser verifier of an access-log export (bundled by esbuild into
 * one file the console serves from its own origin; console-scripts.ts). It
 * reads the export and its manifest from the auditor's disk and checks them:
 * nothing is uploaded. The checks are the CLI's own code: the manifest
 * (audit-manifest.ts, with WebCrypto), and the whole log as `audit verify
 * --file` checks it (audit-verification.ts: every link and hash, every
 * checkpoint's signature by a published key, its Merkle root or the tenant
 * head's inclusion proof, heads never moving backwards), with SHA-256 and
 * Ed25519 from the bundled shims (scripts/shims). Line numbers of a bad entry
 * come from audit-export-links.ts.
 */
import { checkExportLinks } from '../../audit/audit-export-links';
import { checkManifest, parseManifest, type ManifestCrypto } from '../../audit/audit-manifest';
import { ExportVerifier, type AuditVerificationReport } from '../../audit/audit-verification';

const webCrypto: ManifestCrypto = {
  sha256: async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource)),
  async verifyEd25519(publicKey, message, signature) {
    try {
      const key = await crypto.subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, [
        'verify',
      ]);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
    } catch {
      return false;
    }
  },
};

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function keyBytes(text: string): Uint8Array | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Uint8Array.from(t.match(/../g)!, (b) => parseInt(b, 16));
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) return null;
  const bin = atob(t.replace(/-/g, '+').replace(/_/g, '/').replace(/=?$/, '='));
  return bin.length === 32 ? Uint8Array.from(bin, (c) => c.charCodeAt(0)) : null;
}

/** Key id as the server computes it: the first 16 bytes of SHA-256 of the raw key, hex. */
async function keysById(text: string): Promise<Map<string, Uint8Array>> {
  const keys = new Map<string, Uint8Array>();
  for (const line of text.split(/\s+/)) {
    const key = line ? keyBytes(line) : null;
    if (key) keys.set(hex((await webCrypto.sha256(key)).subarray(0, 16)), key);
  }
  return keys;
}

function say(out: HTMLElement, ok: boolean, lines: string[]): void {
  out.replaceChildren();
  out.className = ok ? 'notice' : 'error';
  const heading = document.createElement('p');
  heading.textContent = ok ? 'Verified: the export is intact.' : 'Does not verify.';
  out.append(heading);
  const list = document.createElement('ul');
  for (const l of lines) {
    const li = document.createElement('li');
    li.textContent = l;
    list.append(li);
  }
  out.append(list);
}

async function verify(form: HTMLFormElement, out: HTMLElement): Promise<void> {
  const file = (form.elements.namedItem('export') as HTMLInputElement).files?.[0];
  const manifestFile = (form.elements.namedItem('manifest') as HTMLInputElement).files?.[0];
  const keyText = (form.elements.namedItem('keys') as HTMLTextAreaElement).value;
  if (!file || !manifestFile) return say(out, false, ['Choose the export file and its manifest.']);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const manifestText = await manifestFile.text();
  const keys = await keysById(keyText);
  if (!keys.size) return say(out, false, ['Give at least one published public key (base64 or hex).']);
  const isCsv = parseManifest(manifestText)?.file.format === 'csv';
  const text = isCsv ? '' : new TextDecoder().decode(bytes);
  const log = isCsv ? null : verifyLog(text, [...keys.values()]);
  const links = isCsv ? null : await checkExportLinks(text, webCrypto.sha256);
  const counted = log ? { entries: log.entries, checkpoints: log.checkpoints } : undefined;
  const manifest = await checkManifest(webCrypto, manifestText, bytes, keys, counted);
  const lines = [`Manifest: ${manifest.detail}`];
  if (log) lines.push(...logLines(log));
  if (links?.firstBad) {
    const b = links.firstBad;
    lines.push(`First bad entry: ${b.chainId} seq ${b.seq} (line ${b.line}): ${b.problem}, ${b.detail}`);
  }
  say(out, manifest.ok && (log?.ok ?? true) && (links?.ok ?? true), lines);
}

/** The export through the log's own verifier, line by line, with the published keys. */
function verifyLog(text: string, keys: Uint8Array[]): AuditVerificationReport {
  const verifier = new ExportVerifier(keys);
  for (const line of text.split('\n')) verifier.push(line);
  return verifier.finish();
}

function logLines(r: AuditVerificationReport): string[] {
  const counts = `Chains: ${r.chains}, entries: ${r.entries}, checkpoints: ${r.checkpoints}`;
  if (r.ok) {
    return [
      `${counts}: all links and hashes recomputed; every checkpoint's signature, Merkle root and heads checked.`,
      ...(r.unattestedEntries
        ? [`${r.unattestedEntries} entries are newer than the last checkpoint (not yet signed).`]
        : []),
    ];
  }
  const b = r.firstBad!;
  return [
    counts,
    `First problem: ${b.chainId} ${b.seq}: ${b.problem}${b.checkpointSeq ? ` (checkpoint ${b.checkpointSeq})` : ''}, ${b.detail}`,
    ...(r.problems.length > 1 ? [`${r.problems.length - 1} more problem(s).`] : []),
  ];
}

function start(): void {
  const form = document.getElementById('export-verifier') as HTMLFormElement | null;
  const out = document.getElementById('verifier-result');
  if (!form || !out) return;
  if (!globalThis.crypto?.subtle) {
    say(out, false, ['This browser offers no WebCrypto here (a secure context is needed): use the CLI.']);
    return;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    out.textContent = 'Verifying…';
    verify(form, out).catch((e: unknown) => say(out, false, [`Could not verify: ${String(e)}`]));
  });
}

start();
