import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ALL_TENANTS, AuditCheckpointService, AuditQueryService } from '../../../src/audit';
import { enrolStaff, type ConsolePerson } from '../../support/console-people';
import { startTestApp, type TestApp } from '../../support/test-app';
import {
  launchChromium,
  listen,
  seriousAxeFindings,
  watchedContext,
  type CspViolation,
  signInWithTotp,
} from './chromium';

/**
 * An auditor in a real Chromium: the verification report, an NDJSON export
 * with its signed manifest downloaded, then both checked by the bundled
 * verifier (the manifest with the browser's WebCrypto, the log with the CLI's
 * own verification code: links, hashes, checkpoint signatures and roots), a
 * copy with one entry changed caught at that entry, and a copy with one
 * checkpoint's signature altered caught at that checkpoint.
 * No Content-Security-Policy violation, no serious accessibility finding.
 */
describe('access-log export verified in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let auditor: ConsolePerson;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    origin = await listen(t);
    await t.tenant('Verified Seller');
    auditor = await enrolStaff(t, 'auditor', 'Browser Auditor');
    // Two signed checkpoints in the export, so the browser checks signatures and Merkle roots too.
    await t.app.get(AuditCheckpointService).writeNow();
    await t.tenant('Second Seller');
    await t.app.get(AuditCheckpointService).writeNow();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ov-browser-export-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await browser?.close();
    await t?.close();
  });

  async function signIn(page: Page) {
    await signInWithTotp(t, page, auditor);
  }

  const axeOn = async (page: Page, where: string) => {
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  };

  async function download(page: Page, name: RegExp): Promise<string> {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
    const to = path.join(dir, file.suggestedFilename());
    await file.saveAs(to);
    return to;
  }

  async function verifyInBrowser(page: Page, exportFile: string, manifestFile: string): Promise<string> {
    await page.goto(`${origin}/console/audit/verify-export`);
    await page.getByLabel('Export file (NDJSON or CSV)').setInputFiles(exportFile);
    await page.getByLabel('Signed manifest').setInputFiles(manifestFile);
    await page.getByRole('button', { name: 'Verify' }).click();
    const result = page.locator('#verifier-result');
    await result.locator('p').first().waitFor();
    return (await result.textContent()) ?? '';
  }

  it('downloads an export with its manifest, verifies it in the browser, and catches a changed entry', async () => {
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET') uploads.push(`${r.method()} ${r.url()}`);
    });
    await page.goto(`${origin}/console/audit/verification`);
    await signIn(page);
    await page.waitForURL(`${origin}/console/audit/verification`);
    await expect(page.getByText('The access log verifies').count()).resolves.toBe(1);
    await axeOn(page, 'verification report');

    await page.getByLabel('Format').selectOption('ndjson');
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('heading', { name: 'Export ready' }).waitFor();
    await axeOn(page, 'export ready');
    const exportFile = await download(page, /Download the export/);
    const manifestFile = await download(page, /Download the signed manifest/);
    expect(JSON.parse(readFileSync(manifestFile, 'utf8')).file.sha256).toMatch(/^[0-9a-f]{64}$/);

    uploads.length = 0;
    const valid = await verifyInBrowser(page, exportFile, manifestFile);
    expect(valid).toContain('Verified: the export is intact.');
    expect(valid).toMatch(
      /all links and hashes recomputed; every checkpoint's signature, Merkle root and heads checked/,
    );
    expect(valid).toMatch(/checkpoints: [2-9]/);
    await axeOn(page, 'in-browser verifier');
    expect(uploads).toEqual([]); // nothing uploaded

    // One entry changed (its outcome), the rest of the file as downloaded.
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"entry"') && l.includes('"action":"session.started"'));
    const changed = JSON.parse(lines[at]) as { chainId: string; seq: string };
    lines[at] = lines[at].replace('"outcome":"allowed"', '"outcome":"denied"');
    const tampered = path.join(dir, 'tampered.ndjson');
    writeFileSync(tampered, lines.join('\n'));
    const caught = await verifyInBrowser(page, tampered, manifestFile);
    expect(caught).toContain('Does not verify.');
    expect(caught).toContain('the file was altered');
    expect(caught).toContain(`First bad entry: ${changed.chainId} seq ${changed.seq} (line ${at + 1}): hash_mismatch`);
    expect(uploads).toEqual([]);

    // Every entry intact, one checkpoint's signature altered: only the checkpoint check can see it, and it does.
    const signed = readFileSync(exportFile, 'utf8').split('\n');
    const cp = signed.findIndex((l) => l.includes('"type":"checkpoint"'));
    const record = JSON.parse(signed[cp]) as { checkpointSeq: string; signature: string };
    const flipped = (record.signature[0] === 'a' ? 'b' : 'a') + record.signature.slice(1);
    signed[cp] = signed[cp].replace(record.signature, flipped);
    const forged = path.join(dir, 'forged-checkpoint.ndjson');
    writeFileSync(forged, signed.join('\n'));
    const refused = await verifyInBrowser(page, forged, manifestFile);
    expect(refused).toContain('Does not verify.');
    expect(refused).toContain(`First problem: checkpoints ${record.checkpointSeq}: bad_signature`);
    expect(refused).not.toContain('First bad entry');

    const logged = (await t.app.get(AuditQueryService).list(ALL_TENANTS, {})).items.map((e) => e.action);
    expect(logged).toEqual(expect.arrayContaining(['audit.verified', 'audit.exported']));
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });
});
