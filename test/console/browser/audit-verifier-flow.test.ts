import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ALL_TENANTS, AuditQueryService } from '../../../src/audit';
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
 * verifier with the browser's WebCrypto (Ed25519 and SHA-256; Debian's
 * Chromium has both), and a copy with one entry changed caught at that entry.
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
    expect(valid).toMatch(/all links and hashes recomputed/);
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

    const logged = (await t.app.get(AuditQueryService).list(ALL_TENANTS, {})).items.map((e) => e.action);
    expect(logged).toEqual(expect.arrayContaining(['audit.verified', 'audit.exported']));
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });
});
