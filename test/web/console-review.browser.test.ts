/**
 * The assessor's and the authority's consoles in Chromium: an assessor records verdicts (a missing comment
 * shown next to its field) and closes the review; the authority meets a conflict of interest, assigns,
 * grants → the label shows publicly with its level badge → revokes with a reason → the public page shows
 * it revoked; the referential diff, labels and audit trail in English. axe-core on every page visited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { declareAssessorLink } from '../../src/workflow/accounts.js';
import { createParty, type Party } from '../helpers/service.js';
import { type Built, injectClient, type Json, WorkflowBuilder } from '../helpers/workflow.js';
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

describe('assessor and authority consoles in Chromium', () => {
  let svc: BrowserService;
  let browser: Browser;
  let provider: Party;
  let assessor: Party;
  let linked: Party;
  let authority: Party;
  let inReview: Built;
  let submitted: Built;
  const watched: Watched[] = [];

  before(async () => {
    // The service runs on the tests' fixed clock (2026-11-29) while Chromium expires cookies by the wall
    // clock: sessions must outlive the gap, or the browser drops the session cookie as already expired.
    svc = await startBrowserService();
    provider = await createParty(svc, 'provider', 'Browser Cloud SAS');
    assessor = await createParty(svc, 'assessor', 'Alice Évaluatrice');
    linked = await createParty(svc, 'assessor', 'Carol Liée');
    authority = await createParty(svc, 'authority', 'Autorité du label');
    await declareAssessorLink(
      svc.ctx,
      { ...linked.actor, via: 'session' },
      { entityName: '3DS Outscale SAS' },
    );
    const builder = new WorkflowBuilder(injectClient(svc.app), { provider, assessor, authority });
    inReview = await builder.build('in-review', {
      evidence: true,
      mutate: (d) => {
        d.offer.name = 'Offre en évaluation (test navigateur)';
      },
    });
    submitted = await builder.build('submitted', {
      mutate: (d) => {
        d.offer.name = 'Offre à affecter (test navigateur)';
      },
    });
    // A second version of the referential, so the comparison has something to show.
    const doc = structuredClone(svc.ctx.referentials.get('cloud-de-confiance', '1.0.0').document) as Json;
    doc.version = '1.1.0';
    doc.parameters.maxNonEuSingleHolderPct.value = 20;
    doc.criteria[0].rule.pass = `(${doc.criteria[0].rule.pass}) && true`;
    await svc.ctx.referentials.publish(svc.ctx, stringify(doc), authority.userId);
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

  it('an assessor records verdicts and closes the review', async () => {
    const page = await open();
    await signInAs(page, svc.url, assessor.email, PASSWORD, '/console');
    await page.waitForURL(/\/console\/assessor$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Mes dossiers à évaluer');
    await checkAccessibility(page, 'assessor queue');
    await page.getByRole('link', { name: 'Offre en évaluation (test navigateur)' }).click();
    await page.waitForURL(/\/console\/assessor\/applications\//);
    await checkAccessibility(page, 'review file');
    assert.ok(await page.getByRole('link', { name: 'Télécharger audit-report.txt' }).isVisible());

    const pending = inReview.application.review.pendingReviews as string[];
    assert.ok(pending.length > 0);
    const overturned = (inReview.application.evaluation.criteria as Json[]).find(
      (c) => c.status === 'pass',
    ).id;
    // Overturning a passed criterion without a reason: refused, the error next to the comment.
    await page.locator(`#verdict-${overturned}`).selectOption('fail');
    for (const c of pending) await page.locator(`#verdict-${c}`).selectOption('pass');
    await page.getByRole('button', { name: 'Enregistrer les verdicts' }).click();
    await page.waitForLoadState('load');
    const error = page.locator(`#comment-${overturned}-error`);
    assert.match((await error.textContent()) ?? '', /expliquez pourquoi/);
    assert.equal(await page.locator(`#comment-${overturned}`).getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#error-summary').isVisible());
    await checkAccessibility(page, 'review file with an error');

    // The choices survived the refusal; put the passed criterion back and give the comments.
    assert.equal(await page.locator(`#verdict-${pending[0]}`).inputValue(), 'pass');
    await page.locator(`#verdict-${overturned}`).selectOption('pass');
    for (const c of pending) {
      await page.getByLabel(`Commentaire — ${c}`).fill(`Vérifié sur pièces : ${c}.`);
    }
    await page.getByRole('button', { name: 'Enregistrer les verdicts' }).click();
    await page.waitForURL(/notice=verdicts-recorded/);
    assert.ok(await page.getByText('Vos verdicts sont enregistrés.').isVisible());
    assert.equal(
      await page.locator(`#comment-${pending[0]}`).inputValue(),
      `Vérifié sur pièces : ${pending[0]}.`,
    );

    await page.getByRole('button', { name: 'Clore l’évaluation' }).click();
    await page.waitForURL(/\/console\/assessor\?notice=review-completed/);
    assert.ok(await page.getByText('L’évaluation est close').isVisible());
    const row = page.locator('#queue tbody tr', { hasText: 'Offre en évaluation (test navigateur)' });
    assert.equal(await row.locator('.fr-badge').textContent(), 'Évaluée');
  });

  it('the authority assigns, grants, the label shows publicly, then revokes it', async () => {
    const page = await open();
    await signInAs(page, svc.url, authority.email, PASSWORD, '/console');
    await page.waitForURL(/\/console\/authority$/);
    await checkAccessibility(page, 'authority overview');

    // Assignment: the assessor with a declared link is refused, next to the field.
    await page.goto(`/console/authority/applications/${submitted.applicationId}`);
    await page.getByLabel(/^Évaluateur/).selectOption(linked.userId);
    await page.getByRole('button', { name: 'Affecter' }).click();
    await page.waitForLoadState('load');
    assert.match((await page.locator('#assessorId-error').textContent()) ?? '', /a déclaré un lien/);
    await checkAccessibility(page, 'assignment refused');
    await page.getByLabel(/^Évaluateur/).selectOption(assessor.userId);
    await page.getByRole('button', { name: 'Affecter' }).click();
    await page.waitForURL(/notice=assigned/);
    assert.ok(await page.getByText('L’évaluateur est affecté à la demande.').isVisible());

    // Decision on the application the assessor just reviewed.
    await page.getByRole('link', { name: 'Demandes', exact: true }).click();
    await page.getByLabel('État').selectOption('reviewed');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/state=reviewed/);
    await checkAccessibility(page, 'applications');
    await page.getByRole('link', { name: 'Offre en évaluation (test navigateur)' }).click();
    await page.waitForURL(/\/console\/authority\/applications\//);
    await checkAccessibility(page, 'decision form');
    // DSFR draws its own radio over the input: a person clicks the label.
    await page.locator('label[for="outcome-grant"]').click();
    assert.equal(await page.getByLabel('Attribuer le label').isChecked(), true);
    assert.equal(await page.getByLabel(/^Niveau attribué/).inputValue(), 'trusted');
    await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await page.waitForURL(/\/console\/authority\/labels\/.+notice=granted/);
    await checkAccessibility(page, 'label page');

    // The public offer page carries the level badge.
    await page.getByRole('link', { name: /Page publique de/ }).click();
    await page.waitForURL(/\/offers\//);
    assert.deepEqual(await page.locator('h1 + .fr-badges-group .fr-badge').allTextContents(), [
      'Confiance',
      'Valide',
    ]);
    await page.goBack();

    // Revocation: an empty reason is refused next to the field, then a reason revokes.
    await page.getByRole('button', { name: 'Retirer définitivement' }).click();
    await page.waitForLoadState('load');
    assert.match((await page.locator('#reason-revoke-error').textContent()) ?? '', /Indiquez le motif/);
    await page.getByLabel('Motif — Retirer le label').fill('Le fournisseur a cessé de respecter le §19.6.');
    await page.getByRole('button', { name: 'Retirer définitivement' }).click();
    await page.waitForURL(/notice=revoked/);
    assert.ok(await page.getByText('Le label est retiré.').isVisible());
    await page.getByRole('link', { name: /Page publique de/ }).click();
    await page.waitForURL(/\/offers\//);
    assert.deepEqual(await page.locator('h1 + .fr-badges-group .fr-badge').allTextContents(), [
      'Confiance',
      'Retiré',
    ]);
    assert.ok(await page.getByText('Le fournisseur a cessé de respecter le §19.6.').isVisible());
  });

  it('shows referential versions side by side, labels and the audit trail, in English', async () => {
    const page = await open();
    await signInAs(page, svc.url, authority.email, PASSWORD, '/console/authority/referentials');
    await page.getByRole('link', { name: 'English' }).first().click();
    await page.waitForURL(/\/console\/authority\/referentials$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Referential versions');
    await checkAccessibility(page, 'referential versions');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/compare\?from=cloud-de-confiance%401\.0\.0&to=cloud-de-confiance%401\.1\.0/);
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'Referential cloud-de-confiance: 1.0.0 → 1.1.0',
    );
    assert.ok(await page.getByText('Rule changed').first().isVisible());
    const headers = await page
      .locator('#diff-parameters-maxNonEuSingleHolderPct th[scope="col"]')
      .allTextContents();
    assert.deepEqual(headers, ['Field', 'Version 1.0.0', 'Version 1.1.0']);
    assert.deepEqual(
      (await page.locator('#diff-parameters-maxNonEuSingleHolderPct tbody td').allTextContents()).map((s) =>
        s.trim(),
      ),
      ['24', '20'],
    );
    await checkAccessibility(page, 'referential comparison');

    await page.getByRole('link', { name: 'Labels', exact: true }).first().click();
    await page.waitForURL(/\/console\/authority\/labels$/);
    await checkAccessibility(page, 'labels');
    await page.getByRole('link', { name: 'Audit trail', exact: true }).click();
    await page.waitForURL(/\/console\/authority\/audit$/);
    await page.getByLabel('Action').selectOption('referential.published');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=referential\.published/);
    const actions = await page.locator('#audit tbody tr td:nth-child(4)').allTextContents();
    assert.ok(actions.length >= 3, actions.join('|'));
    assert.deepEqual([...new Set(actions)], ['referential.published']);
    await checkAccessibility(page, 'audit trail');
  });

  it('works without JavaScript: the assessor queue and file, the authority menu', async () => {
    const page = await open({ javaScriptEnabled: false });
    await signInAs(page, svc.url, assessor.email, PASSWORD, '/console/assessor');
    await page.getByLabel('État').selectOption('granted');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/state=granted/);
    await page.getByRole('link', { name: 'Offre en évaluation (test navigateur)' }).click();
    await page.waitForURL(/\/console\/assessor\/applications\//);
    assert.ok(await page.getByRole('heading', { name: 'Critères', level: 2 }).isVisible());
    assert.ok(await page.getByRole('heading', { name: /^Label attribué au niveau/ }).isVisible());

    const authorityPage = await open({ javaScriptEnabled: false });
    await signInAs(authorityPage, svc.url, authority.email, PASSWORD, '/console/authority');
    const menu = authorityPage.getByRole('navigation', { name: 'Espace de l’autorité' });
    assert.ok(await menu.getByRole('link', { name: 'Journal d’audit' }).isVisible());
    await menu.getByRole('link', { name: 'Journal d’audit' }).click();
    await authorityPage.waitForURL(/\/console\/authority\/audit$/);
  });

  it('reported no script error and no CSP violation on any page', () => {
    const errors = watched
      .flatMap((w) => w.errors)
      // Refused forms answer 400/409 on purpose; the browser logs the status of such documents.
      .filter((e) => !/status of (400|409)/.test(e));
    assert.deepEqual(errors, []);
  });
});
