/**
 * The public side in a real browser (Chromium through playwright-core): search → offer page, the verify
 * form, the language switch and its persistence, the dashboard, a revoked label's page, the pages with
 * JavaScript disabled, no CSP violation, and an axe-core accessibility pass on every page visited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedExamples } from '../../src/workflow/seed.js';
import { createParty } from '../helpers/service.js';
import { injectClient, WorkflowBuilder } from '../helpers/workflow.js';
import {
  type BrowserService,
  checkAccessibility,
  newPage,
  openBrowser,
  startBrowserService,
  type Watched,
} from './harness.js';

/** An offer of the sample data at the `trusted` level (examples/secnumcloud-iaas-fr.json). */
const TRUSTED_OFFER = 'Outscale IaaS — région SecNumCloud cloudgouv-eu-west-1';

// A stuck page fails its test instead of hanging the run (a limit, not a measurement).
describe('public pages in Chromium', { timeout: 120_000 }, () => {
  let svc: BrowserService;
  let browser: Browser;
  let revokedOfferId: string;
  const watched: Watched[] = [];

  before(async () => {
    svc = await startBrowserService();
    await seedExamples(svc.ctx);
    const cast = {
      provider: await createParty(svc, 'provider', 'Revoked Cloud SAS'),
      assessor: await createParty(svc, 'assessor', 'Assessor'),
      authority: await createParty(svc, 'authority', 'Authority'),
    };
    const revoked = await new WorkflowBuilder(injectClient(svc.app), cast).build('revoked', {
      mutate: (d) => {
        d.offer.name = 'Revoked offer for the browser test';
      },
    });
    revokedOfferId = revoked.offerId;
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  async function open(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const w = await newPage(browser, { ...options, baseURL: svc.url });
    watched.push(w);
    return w.page;
  }

  it('finds an offer by name and opens its page with level, regions, ownership and criteria', async () => {
    const page = await open();
    await page.goto('/');
    await checkAccessibility(page, 'home');
    await page.getByLabel('Rechercher une offre ou un fournisseur').fill('outscale cloudgouv');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.waitForURL(/q=outscale/);
    const found = await page.locator('#results-table tbody td:first-child a.fr-link').allTextContents();
    assert.ok(found.includes(TRUSTED_OFFER), found.join('|'));
    assert.ok(found.length < 4, `the search narrows the registry: ${found.join('|')}`);
    await page.getByRole('link', { name: TRUSTED_OFFER }).click();
    await page.waitForURL(/\/offers\//);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), TRUSTED_OFFER);
    const badges = await page.locator('h1 + .fr-badges-group .fr-badge').allTextContents();
    assert.deepEqual(badges, ['Confiance', 'Valide']);
    const regions = await page.locator('#regions tbody tr').allTextContents();
    assert.ok(
      regions.some((r) => r.includes('cloudgouv-eu-west-1') && r.includes('France')),
      regions.join('|'),
    );
    assert.match(
      (await page.locator('#criteria ~ p').first().textContent()) ?? '',
      /Identiques au label signé/,
    );
    assert.ok((await page.locator('table caption').allTextContents()).includes('Localisation des données'));
    assert.ok(await page.getByRole('link', { name: /document DID/ }).isVisible());
    await checkAccessibility(page, 'offer page');
    // The provider's page lists the offer with its label history.
    await page.getByRole('link', { name: '3DS Outscale SAS' }).first().click();
    await page.waitForURL(/\/providers\//);
    assert.ok(await page.getByRole('link', { name: TRUSTED_OFFER }).isVisible());
    await checkAccessibility(page, 'provider page');
  });

  it('filters by facet and keeps the filter checked', async () => {
    const page = await open();
    await page.goto('/');
    // DSFR draws the checkbox on its label, which is what a person clicks.
    await page.locator('label', { hasText: /^Confiance \(\d+\)$/ }).click();
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.waitForURL(/level=trusted/);
    const levels = await page.locator('#results-table tbody td:nth-child(2)').allTextContents();
    assert.ok(levels.length >= 1);
    assert.ok(
      levels.every((l) => l.trim() === 'Confiance'),
      levels.join('|'),
    );
    assert.equal(await page.getByLabel(/^Confiance \(\d+\)$/).isChecked(), true);
    await checkAccessibility(page, 'filtered home');
  });

  it('verifies the credential of an offer, a tampered one, and shows a missing one next to the field', async () => {
    const page = await open();
    await page.goto('/?q=outscale+cloudgouv');
    await page.getByRole('link', { name: TRUSTED_OFFER }).click();
    const credential = ((await page.locator('#credential').textContent()) ?? '').trim();
    await page.getByRole('button', { name: 'Vérifier ce justificatif maintenant' }).click();
    await page.waitForURL(/\/verify$/);
    assert.equal(await page.locator('#verify-result .fr-alert__title').textContent(), 'Label valide');
    assert.match((await page.locator('#verify-result').textContent()) ?? '', /3DS Outscale SAS/);
    await checkAccessibility(page, 'verify result');

    // One character of the signature changed: the authority did not sign this.
    const [head, body, sig] = credential.split('.');
    const tampered = `${head}.${body}.${sig!.startsWith('A') ? `B${sig!.slice(1)}` : `A${sig!.slice(1)}`}`;
    await page.getByLabel(/Justificatif du label/).fill(tampered);
    await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
    await page.waitForLoadState('load');
    assert.match(
      (await page.locator('#verify-result .fr-alert__title').textContent()) ?? '',
      /Signature invalide/,
    );

    await page.getByLabel(/Justificatif du label/).fill('');
    await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
    await page.waitForLoadState('load');
    const field = page.getByLabel(/Justificatif du label/);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#credential-error').textContent(), 'Collez le justificatif à vérifier.');
    assert.ok(await page.locator('#error-summary a[href="#credential"]').isVisible());
    await checkAccessibility(page, 'verify form with an error');
  });

  it('switches to English, and the choice persists across pages and new tabs', async () => {
    const page = await open();
    await page.goto('/dashboard');
    await page.getByRole('banner').getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/dashboard$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Label dashboard');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Registry' }).click();
    await page.waitForURL(/\/$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Registry of labelled offers');
    await checkAccessibility(page, 'home in English');
    const tab = await page.context().newPage();
    await tab.goto('/verify');
    assert.equal(await tab.getByRole('heading', { level: 1 }).textContent(), 'Verify a label');
    await tab.getByRole('banner').getByRole('link', { name: 'Français' }).click();
    await tab.waitForURL(/\/verify$/);
    assert.equal(await tab.locator('html').getAttribute('lang'), 'fr');
    await page.reload();
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Registre des offres labellisées',
    );
  });

  it('draws every dashboard chart as SVG next to its data table', async () => {
    const page = await open();
    await page.goto('/dashboard');
    const sections = [
      'by-level',
      'by-country',
      'by-region',
      'by-service-model',
      'applications',
      'median-days',
      'revocations',
    ];
    for (const id of sections) {
      const section = page.locator(`section[aria-labelledby="${id}"]`);
      assert.equal(await section.locator('svg[role="img"] title').count(), 1, `${id}: chart`);
      assert.ok((await section.locator('table tbody tr').count()) > 0, `${id}: table`);
    }
    const level = await page.locator('#by-level-table tbody tr').allTextContents();
    assert.ok(
      level.some((row) => /Confiance\s*\d+/.test(row)),
      level.join('|'),
    );
    const bars = await page.locator('section[aria-labelledby="by-level"] rect.app-bar').count();
    assert.equal(bars, 3);
    const revocations = await page.locator('#revocations-table tbody td').allTextContents();
    assert.ok(revocations.includes('1'), revocations.join('|'));
    await checkAccessibility(page, 'dashboard');
  });

  it('shows a revoked label as revoked, with its reason', async () => {
    const page = await open();
    await page.goto(`/offers/${revokedOfferId}`);
    assert.deepEqual(await page.locator('h1 + .fr-badges-group .fr-badge').allTextContents(), [
      'Confiance',
      'Retiré',
    ]);
    assert.equal(
      await page.locator('.fr-alert--error .fr-alert__title').textContent(),
      'Ce label a été retiré',
    );
    await checkAccessibility(page, 'revoked offer');
  });

  it('works with JavaScript disabled: search, offer page, verification, language switch', async () => {
    const page = await open({ javaScriptEnabled: false });
    await page.goto('/');
    await page.getByLabel('Rechercher une offre ou un fournisseur').fill('outscale cloudgouv');
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.waitForURL(/q=outscale/);
    await page.getByRole('link', { name: TRUSTED_OFFER }).click();
    await page.waitForURL(/\/offers\//);
    // The copy button needs JavaScript: without it, it stays hidden and the credential stays readable.
    assert.equal(await page.getByRole('button', { name: 'Copier le justificatif' }).isVisible(), false);
    await page.getByRole('button', { name: 'Vérifier ce justificatif maintenant' }).click();
    await page.waitForURL(/\/verify$/);
    assert.equal(await page.locator('#verify-result .fr-alert__title').textContent(), 'Label valide');
    await page.getByRole('banner').getByRole('link', { name: 'English' }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Verify a label');
    // (No axe pass here: axe is JavaScript, and evaluating it in a page without JavaScript never returns.)
  });

  it('passes the accessibility check on the sign-in page', async () => {
    const page = await open();
    await page.goto('/sign-in');
    await checkAccessibility(page, 'sign-in');
  });

  it('answers "where may this data go?" with each requirement and a signed receipt', async () => {
    const page = await open();
    await page.goto('/');
    await page
      .getByRole('navigation', { name: 'Menu principal' })
      .getByRole('link', { name: 'Où ces données peuvent-elles aller ?' })
      .click();
    await page.waitForURL(/\/placement$/);
    await checkAccessibility(page, 'placement form');
    await page.getByLabel(/^Type de données/).selectOption({ label: 'Données de santé' });
    await page.getByRole('button', { name: 'Obtenir la réponse' }).click();
    await page.waitForURL(/class=health/);
    assert.match(
      (await page.locator('#placement-outcome .fr-alert__title').textContent()) ?? '',
      /^Autorisé/,
    );
    assert.ok((await page.locator('#placement-reasons li').count()) > 0);
    assert.ok((await page.locator('#candidates tbody tr').count()) > 0);
    assert.match((await page.locator('#receipt').textContent()) ?? '', /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    await checkAccessibility(page, 'placement answer');

    await page.goto('/placement?class=no-such-class');
    assert.equal(await page.getByLabel(/^Type de données/).getAttribute('aria-invalid'), 'true');
    assert.equal(
      await page.locator('#class-error').textContent(),
      'Choisissez un type de données de la liste.',
    );
  });

  it('shows a 404 page for an unknown address', async () => {
    const page = await open();
    const res = await page.goto('/no/such/page');
    assert.equal(res?.status(), 404);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Page introuvable');
    await checkAccessibility(page, '404 page');
  });

  it('reported no script error and no CSP violation on any page', () => {
    assert.deepEqual(
      watched.flatMap((w) => w.errors),
      [],
    );
  });
});
