/**
 * The provider console in Chromium (playwright-core through ./harness.ts): a provider signs in, fills a
 * declaration through the generated form with JavaScript off (adding a region with the form's own add
 * button), previews the evaluation, saves, previews the application and applies, uploads evidence; a form
 * with bad input shows its errors next to the fields; the console in English; an axe-core pass on every
 * page; no script error or CSP violation.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createParty, type Party } from '../helpers/service.js';
import { injectClient, WorkflowBuilder } from '../helpers/workflow.js';
import {
  type BrowserService,
  checkAccessibility,
  newPage,
  openBrowser,
  signInAs,
  startBrowserService,
  type Watched,
} from './harness.js';

const PASSWORD = 'correct horse battery staple';

describe('provider console in Chromium', () => {
  let svc: BrowserService;
  let browser: Browser;
  let provider: Party;
  let labelledOfferId: string;
  const watched: Watched[] = [];

  before(async () => {
    svc = await startBrowserService();
    provider = await createParty(svc, 'provider', 'Nuage Souverain SAS');
    const cast = {
      provider,
      assessor: await createParty(svc, 'assessor', 'Assessor'),
      authority: await createParty(svc, 'authority', 'Authority'),
    };
    labelledOfferId = (
      await new WorkflowBuilder(injectClient(svc.app), cast).build('granted', { evidence: true })
    ).offerId;
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

  /** A radio or checkbox as a person picks it: DSFR draws it on its label. */
  const pick = (page: Page, id: string) => page.locator(`label[for="${id}"]`).click();

  it('declares an offer through the generated form without JavaScript, previews it, saves and applies', async () => {
    const page = await open({ javaScriptEnabled: false });
    await signInAs(page, svc.url, provider.email, PASSWORD, '/console');
    await page.waitForURL(/\/console\/provider$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Espace fournisseur');
    await page.getByRole('link', { name: 'Déclarer une nouvelle offre' }).click();
    await page.waitForURL(/\/declarations\/new$/);

    await page.getByLabel(/^Identifiant du fournisseur/).fill('nuage-souverain');
    await page.getByLabel(/^Raison sociale/).fill('Nuage Souverain SAS');
    for (const id of ['registeredOffice', 'centralAdministration', 'principalEstablishment']) {
      await page.locator(`#f-provider-${id}`).fill('FR');
    }
    await pick(page, 'f-provider-foreignGovernmentLinks-declared-1');
    await page.getByLabel(/^Identifiant de l’offre/).fill('nuage-iaas-paris');
    await page.getByLabel(/^Nom de l’offre/).fill('Nuage IaaS Paris');
    await page.getByLabel(/^Modèle de service/).selectOption('IaaS');

    // The add button is a submit button: the server sends the form back with one region more.
    assert.equal(await page.locator('#f-offer-regions-0-code').count(), 0);
    await page.getByRole('button', { name: 'Ajouter une région' }).click();
    await page.waitForURL(/#f-offer-regions-0$/);
    assert.equal(await page.getByRole('heading', { name: 'Région 1' }).count(), 1);
    assert.equal(
      await page.getByLabel(/^Nom de l’offre/).inputValue(),
      'Nuage IaaS Paris',
      'typed values kept',
    );
    await page.locator('#f-offer-regions-0-code').fill('par-1');
    await page.locator('#f-offer-regions-0-country').fill('fr');
    await page.locator('#f-offer-regions-0-city').fill('Paris');
    for (const id of ['processingCountries', 'backupCountries', 'technicalDataCountries']) {
      await page.locator(`#f-offer-${id}`).fill('FR');
    }
    await pick(page, 'f-offer-locationDisclosure-0');
    for (const id of ['adminCountries', 'supportCountries', 'socCountries']) {
      await page.locator(`#f-offer-operations-${id}`).fill('FR, DE');
    }
    await pick(page, 'f-offer-encryption-atRest-0');
    await page.locator('#f-offer-encryption-inTransitMinTls').selectOption('1.3');
    await pick(page, 'f-offer-adminMfa-0');
    await pick(page, 'f-offer-logging-securityEventLogging-0');
    await pick(page, 'f-offer-logging-incidentNotification-0');
    await page.getByRole('button', { name: 'Ajouter une certification' }).click();
    await page.waitForURL(/#f-offer-certifications-0$/);
    await page.locator('#f-offer-certifications-0-scheme').selectOption('ISO27001');
    await page.locator('#f-offer-certifications-0-status').selectOption('certified');
    await page.locator('#f-offer-certifications-0-validUntil').fill('2027-06-30');
    for (const id of ['exportFormatsDocumented', 'secureDeletion', 'deletionCertificate']) {
      await pick(page, `f-offer-contract-reversibility-${id}-0`);
    }
    assert.equal(await page.locator('#f-offer-regions-0-code').inputValue(), 'par-1', 'the region survived');

    await page.getByRole('button', { name: 'Prévisualiser l’évaluation' }).first().click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#preview-title').textContent(), 'Aperçu de l’évaluation');
    const level = (id: string) => page.locator(`#preview tr[data-level="${id}"] td`).first().textContent();
    assert.equal((await level('baseline'))?.trim(), 'Atteint');
    assert.equal((await level('eu-data'))?.trim(), 'Atteint');
    assert.equal((await level('trusted'))?.trim(), 'Non atteint', 'no SecNumCloud qualification declared');
    const loc = (await page.locator('#preview tr[data-criterion="EU-LOC-01"]').textContent()) ?? '';
    assert.match(loc, /Satisfait/);
    assert.match(loc, /par-1 \(FR\)/, 'the country was upper-cased');
    const ops = (await page.locator('#preview tr[data-criterion="EU-OPS-01"]').textContent()) ?? '';
    assert.match(ops, /Satisfait/);

    await page.getByRole('button', { name: 'Enregistrer la déclaration' }).first().click();
    await page.waitForURL(/\/console\/provider\/offers\/nuage-iaas-paris\?notice=declaration-saved$/);
    assert.equal(
      await page.locator('.fr-alert--info p').first().textContent(),
      'La déclaration est enregistrée.',
    );
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Nuage IaaS Paris');

    // The level asked for is chosen, its preview shown, then the application made with it.
    await page.getByLabel(/^Niveau demandé/).selectOption('baseline');
    await page.getByRole('button', { name: 'Mettre à jour l’aperçu' }).click();
    await page.waitForLoadState('load');
    assert.equal(
      await page.locator('#preview').textContent(),
      'Aperçu de l’évaluation pour le niveau « Socle de sécurité »',
    );
    assert.equal(await page.locator('#target-status').textContent(), 'Atteint');
    await page.getByRole('button', { name: 'Candidater au niveau « Socle de sécurité »' }).click();
    await page.waitForURL(/\/console\/provider\/applications\/[0-9a-f-]+\?notice=application-submitted$/);
    assert.equal(await page.locator('.fr-badges-group .fr-badge').first().textContent(), 'Déposée');

    // Evidence, uploaded as a file (multipart), listed with its SHA-256 digest.
    const content = Buffer.from('Rapport d’audit ISO 27001\n');
    await page
      .getByLabel(/^Fichier/)
      .setInputFiles({ name: 'audit.txt', mimeType: 'text/plain', buffer: content });
    await page.getByRole('button', { name: 'Déposer la pièce' }).click();
    await page.waitForURL(/notice=evidence-uploaded#evidence$/);
    const digest = createHash('sha256').update(content).digest('hex');
    assert.equal(await page.locator('#evidence-list code').textContent(), digest);

    await page.goto('/console/provider');
    const rows = await page.locator('#applications tbody tr').allTextContents();
    assert.ok(
      rows.some((r) => r.includes('Nuage IaaS Paris') && r.includes('Déposée')),
      rows.join('|'),
    );
  });

  it('shows a form’s errors next to their fields and in the summary', async () => {
    const page = await open();
    await signInAs(page, svc.url, provider.email, PASSWORD, '/console/provider/declarations/new');
    await page.waitForURL(/\/declarations\/new$/);
    await checkAccessibility(page, 'empty declaration form');
    await page.getByLabel(/^Identifiant de l’offre/).fill('not an id');
    await page.locator('#f-offer-logging-logRetentionDays').fill('-3');
    await page.getByRole('button', { name: 'Ajouter une région' }).click();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Enregistrer la déclaration' }).first().click();
    await page.waitForLoadState('load');
    assert.match(
      (await page.locator('#error-summary .fr-alert__title').textContent()) ?? '',
      /Le formulaire contient \d+ erreur/,
    );
    const field = page.getByLabel(/^Identifiant de l’offre/);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.inputValue(), 'not an id');
    assert.match((await page.locator('#f-offer-id-error').textContent()) ?? '', /^Utilisez des lettres/);
    assert.equal(
      await page.locator('#f-offer-logging-logRetentionDays-error').textContent(),
      'Saisissez un nombre supérieur ou égal à 0.',
    );
    assert.equal(
      await page.locator('#f-offer-regions-0-code-error').textContent(),
      'Ce champ est obligatoire.',
    );
    assert.equal(
      (await page.locator('#f-provider-messages').textContent())?.trim(),
      'Cette partie est obligatoire : renseignez ses champs marqués « obligatoire ».',
    );
    // A link of the summary leads to its field.
    await page.locator('#error-summary a[href="#f-offer-regions-0-code"]').click();
    await page.waitForURL(/#f-offer-regions-0-code$/);
    await checkAccessibility(page, 'declaration form with errors');
  });

  it('passes the accessibility check on every console page, with the preview and an application', async () => {
    const page = await open();
    await signInAs(page, svc.url, provider.email, PASSWORD, '/console');
    await page.waitForURL(/\/console\/provider$/);
    await checkAccessibility(page, 'provider home');
    await page.goto(`/console/provider/offers/${labelledOfferId}`);
    await checkAccessibility(page, 'offer page with its preview');
    await page.getByRole('link', { name: 'Modifier la déclaration' }).click();
    await page.waitForURL(/\/declaration$/);
    await checkAccessibility(page, 'filled declaration form');
    await page.getByRole('button', { name: 'Prévisualiser l’évaluation' }).first().click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('#preview-title').textContent(), 'Aperçu de l’évaluation');
    await checkAccessibility(page, 'declaration form with the preview');
    await page.goto(`/console/provider/offers/${labelledOfferId}`);
    await page.locator('#offer-applications tbody a').first().click();
    await page.waitForURL(/\/applications\//);
    assert.ok((await page.locator('#evidence-list tbody tr').count()) >= 1);
    await checkAccessibility(page, 'application with a label');
    // The label's links lead to the public offer page.
    await page.goto('/console/provider');
    await page.locator('#labels').getByRole('link', { name: 'Page publique de l’offre' }).first().click();
    await page.waitForURL(new RegExp(`/offers/${labelledOfferId}$`));
  });

  it('shows the console in English after the language switch', async () => {
    const page = await open();
    await signInAs(page, svc.url, provider.email, PASSWORD, '/console');
    await page.waitForURL(/\/console\/provider$/);
    await page.getByRole('banner').getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/\/console\/provider$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Provider workspace');
    await checkAccessibility(page, 'provider home in English');
    await page.goto(`/console/provider/offers/${labelledOfferId}`);
    assert.equal(await page.getByRole('button', { name: 'Update the preview' }).count(), 1);
    const row = (await page.locator('tr[data-criterion="CDC-CORP-01"]').textContent()) ?? '';
    assert.match(row, /Registered office FR, central administration FR/);
    assert.match(row, /Met/);
    await page.getByRole('link', { name: 'Edit the declaration' }).click();
    await page.waitForURL(/\/declaration$/);
    assert.equal(await page.getByRole('button', { name: 'Add a region' }).count(), 1);
    assert.ok(
      await page
        .getByLabel(/^Region code \(required\)/)
        .first()
        .isVisible(),
    );
    await checkAccessibility(page, 'declaration form in English');
  });

  it('reported no script error and no CSP violation on any page', () => {
    assert.deepEqual(
      watched.flatMap((w) => w.errors),
      [],
    );
  });
});
