import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { totpAt } from '../../../src/access/people/totp';
import type { TestApp } from '../../support/test-app';

/** Debian's Chromium, which `.ci/run` installs when missing (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches the real browser; a machine without it fails the suite with what to do, never skips it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with ` +
        '`apt-get install -y --no-install-recommends chromium` (.ci/run does this when it is missing).',
    );
  }
  // Root in a container has no user namespace for Chromium's sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A loopback port free right now: for an app whose public URL (and so its passkeys' origin) must name its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The test app's HTTP server listening on a loopback port (free by default); its origin as the browser reaches it. */
export async function listen(t: TestApp, port = 0): Promise<string> {
  await t.app.listen(port, '127.0.0.1');
  const listening = (t.app.getHttpServer().address() as AddressInfo).port;
  // localhost (not 127.0.0.1) so that Chromium treats it as a secure context and keeps the __Host- cookie.
  return `http://localhost:${listening}`;
}

/** A CSP violation as the browser reported it. */
export interface CspViolation {
  readonly directive: string;
  readonly blocked: string;
  readonly page: string;
}

/**
 * A browser context that records every Content-Security-Policy violation: the
 * `securitypolicyviolation` event of every document (an init script, which the
 * browser runs outside the page's CSP), and the console's CSP error lines.
 */
export async function watchedContext(
  browser: Browser,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; violations: CspViolation[] }> {
  // Without script (the plain-forms check) only the console's error lines report violations.
  const context = await browser.newContext(options);
  const violations: CspViolation[] = [];
  await context.exposeFunction('__reportCspViolation', (v: CspViolation) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation(v: unknown): void }).__reportCspViolation;
      void report({ directive: e.violatedDirective, blocked: e.blockedURI, page: e.documentURI });
    });
  });
  context.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) {
      violations.push({ directive: 'console', blocked: msg.text(), page: msg.location().url });
    }
  });
  return { context, violations };
}

/** One serious or critical accessibility violation axe found. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly nodes: string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is now (WCAG 2.1 A/AA rules) and returns the
 * serious and critical violations. The script is evaluated through the
 * DevTools protocol, outside the page's CSP, so the check adds no violation.
 */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResults> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

interface AxeResults {
  violations: Array<{ id: string; impact?: string | null; nodes: Array<{ target: string[] }> }>;
}

/**
 * The sign-in form as a person fills it: login, password and the authenticator's code of a fresh 30-second step
 * (the test clock moves one step on, so a code is never reused), then the password form's own button.
 */
export async function signInWithTotp(
  t: TestApp,
  page: Page,
  person: { login: string; password: string; secret: Buffer },
): Promise<void> {
  t.clock.advance(30_000);
  await page.getByLabel('Login').fill(person.login);
  await page.getByLabel('Password').fill(person.password);
  await page.getByLabel('Code from your authenticator app').fill(totpAt(person.secret, t.clock.nowMs()));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
