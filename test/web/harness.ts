/**
 * Browser tests: the real service listening on a free port of 127.0.0.1 (SQLite, the pages registered as
 * `confiance serve` does), driven by playwright-core on Debian's Chromium. One browser per test file.
 *
 * Chromium is required, not optional: a missing browser fails the file with the command that installs it
 * (.ci/run installs it on a new machine), so CI can never pass by silently skipping the browser tests.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import { webServerOptions } from '../../src/web/plugin.js';
import { repoRoot } from '../helpers/cli.js';
import { startService, type TestService } from '../helpers/service.js';

export const CHROMIUM = process.env.CONFIANCE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserService extends TestService {
  url: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The service with its pages, listening. Its public URL is the address the browser uses, so the links the
 * pages print (credential, status lists, DID document) resolve, and cookies are not marked Secure on http.
 */
export async function startBrowserService(overrides: Partial<Config> = {}): Promise<BrowserService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const svc = await startService(
    'sqlite',
    {
      publicUrl: url,
      logOrigin: `127.0.0.1:${port}/log`,
      // The service runs on a fixed test clock but Chromium on the real one: a session cookie that expires
      // on the test clock's day would already be past for the browser, which would drop it.
      sessionTtlMinutes: 100 * 365 * 24 * 60,
      ...overrides,
    },
    { server: webServerOptions },
  );
  await svc.app.listen({ port, host: '127.0.0.1' });
  return Object.assign(svc, { url });
}

export async function openBrowser(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with ` +
      '`apt-get install -y chromium` (.ci/run does), or point CONFIANCE_CHROMIUM at a Chromium binary.',
  );
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions (CSP violations included) and assets that failed to load. */
  errors: string[];
}

/** A fresh browser context (its own cookies) and page, recording what the page reports as errors. */
export async function newPage(
  browser: Browser,
  options: { javaScriptEnabled?: boolean; baseURL?: string } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    // A page answered with an error status (a 404 page, a form re-shown with 400) is logged as a failed
    // resource; failures that matter, those of the page's own assets, are caught by 'response' below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document' && response.status() >= 400) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { context, page, errors };
}

/** Signs in through the sign-in form, as a person would. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string, next = '/') {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/Adresse électronique|Email address/).fill(email);
  await page.getByLabel(/^(Mot de passe|Password)$/).fill(password);
  await page.getByRole('button', { name: /^(Se connecter|Sign in)$/ }).click();
  await page.waitForLoadState('load');
}

const AXE = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * An axe-core pass over the page (WCAG 2.1 A and AA rules, and axe's best practices): fails on every
 * serious or critical violation, naming the rule and the elements. The page's CSP forbids inline scripts,
 * so axe's source is evaluated through the DevTools protocol rather than added as a <script>.
 */
export async function checkAccessibility(page: Page, what = page.url()): Promise<void> {
  const hasAxe = await page.evaluate('typeof window.axe !== "undefined"');
  if (!hasAxe) await page.evaluate(AXE);
  const violations = (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }).then((r) => r.violations)`)) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    [],
    `accessibility violations on ${what}`,
  );
}
