/**
 * `npm run screenshots`: starts the service with its sample data in a temporary directory, opens the key
 * pages in Chromium (playwright-core, /usr/bin/chromium or CONFIANCE_CHROMIUM) and saves them to
 * docs/screenshots/*.png for the README. Nothing outside the temporary directory is touched but the PNGs.
 *
 * The sample labels are granted three months back and a few of them suspended or revoked since, so the
 * registry and the dashboard show more than one state.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { webServerOptions } from '../src/web/plugin.js';
import { createContext } from '../src/workflow/bootstrap.js';
import { changeLabelState } from '../src/workflow/labels.js';
import { seedExamples } from '../src/workflow/seed.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = join(root, 'docs', 'screenshots');
const chromiumPath = process.env.CONFIANCE_CHROMIUM ?? '/usr/bin/chromium';

/** What the README shows: file name, path, language, and how much of the page (pixels from the top). */
const SHOTS: Array<{ name: string; path: string; lang?: 'en'; height?: number; action?: 'verify' }> = [
  { name: 'home', path: '/', height: 1400 },
  { name: 'search-trusted', path: '/?level=trusted' },
  { name: 'offer', path: '/offers/outscale-iaas-cloudgouv', height: 2400 },
  { name: 'verify', path: '/offers/outscale-iaas-cloudgouv', action: 'verify', height: 1400 },
  { name: 'dashboard', path: '/dashboard', height: 2400 },
  { name: 'placement', path: '/placement?class=health', height: 1800 },
  { name: 'home-en', path: '/', lang: 'en' },
  { name: 'sign-in', path: '/sign-in' },
];

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

async function main() {
  if (!existsSync(chromiumPath)) {
    process.stderr.write(`Chromium is missing at ${chromiumPath}: apt-get install chromium\n`);
    process.exit(3);
  }
  const dir = mkdtempSync(join(tmpdir(), 'confiance-screenshots-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    {},
    {
      dataDir: dir,
      publicUrl: url,
      logOrigin: `127.0.0.1:${port}/log`,
      seedExamples: false,
      logLevel: 'warn',
    },
  );
  let now = new Date(Date.now() - 90 * 86_400_000);
  const ctx = await createContext(config, { clock: () => now });
  const app = await buildServer(ctx, webServerOptions(ctx));
  try {
    const seeded = await seedExamples(ctx);
    process.stderr.write(`Loaded ${seeded.length} sample declarations.\n`);
    const labels = await ctx.store.db.selectFrom('labels').select(['id', 'offer_id']).execute();
    const authority = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'authority')
      .executeTakeFirstOrThrow();
    now = new Date(Date.now() - 30 * 86_400_000);
    const change = async (offerId: string, action: 'suspend' | 'revoke', reason: string) => {
      const label = labels.find((l) => l.offer_id === offerId);
      if (label) await changeLabelState(ctx, { labelId: label.id, action, reason, actor: authority.id });
    };
    await change('hyperscaler-eu-west-3', 'suspend', 'Audit de surveillance en cours (exemple)');
    now = new Date();
    await change('hexacloud-iaas', 'revoke', 'Qualification retirée (exemple)');

    await app.listen({ port, host: '127.0.0.1' });
    mkdirSync(out, { recursive: true });
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      for (const shot of SHOTS) {
        const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
        if (shot.lang) await context.addCookies([{ name: 'confiance_lang', value: shot.lang, url }]);
        const page = await context.newPage();
        await page.goto(shot.path);
        if (shot.action === 'verify') {
          await page.getByRole('button', { name: /Vérifier ce justificatif maintenant/ }).click();
          await page.waitForURL(/\/verify$/);
        }
        const file = join(out, `${shot.name}.png`);
        const height = Math.min(
          shot.height ?? 900,
          (await page.evaluate('document.documentElement.scrollHeight')) as number,
        );
        await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
        process.stderr.write(`  ${file.slice(root.length)}\n`);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    await app.close();
    await ctx.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
});
