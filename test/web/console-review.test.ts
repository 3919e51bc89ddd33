/**
 * The assessor's and the authority's consoles through inject(): who may open which page (signed out,
 * provider, another assessor), CSRF on every form, bad input shown next to its field, and each success
 * path changing what the API then reports. Applications are put in each state by the WorkflowBuilder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSession, SESSION_COOKIE } from '../../src/api/auth.js';
import { webServerOptions } from '../../src/web/plugin.js';
import { declareAssessorLink } from '../../src/workflow/accounts.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import { type Built, injectClient, type Json, WorkflowBuilder } from '../helpers/workflow.js';

interface Visitor {
  cookie: string;
  csrf: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The first criterion with a given automated status in an application's evaluation. */
function criterionWith(application: Json, status: string): string {
  const c = (application.evaluation.criteria as Array<{ id: string; status: string }>).find(
    (k) => k.status === status,
  );
  assert.ok(c, `a ${status} criterion in the evaluation`);
  return c.id;
}

/** The field's error is next to it: the error paragraph with the field's id, and the field points at it. */
function assertFieldError(html: string, field: string, text: RegExp) {
  const error = new RegExp(`<p class="fr-error-text" id="${field}-error">([^<]*)</p>`).exec(html);
  assert.ok(error, `an error under #${field}`);
  assert.match(error[1]!, text);
  assert.match(
    html,
    new RegExp(`id="${field}"[^>]*aria-describedby="${field}-error[^"]*" aria-invalid="true"`),
    `#${field} is described by its error`,
  );
  assert.match(html, new RegExp(`<a href="#${field}">`), `the error summary links to #${field}`);
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!,
  );
}

for (const engine of await engines()) {
  describe(`assessor and authority consoles (inject, ${engine})`, () => {
    let svc: TestService;
    let builder: WorkflowBuilder;
    let provider: Party;
    let assessor: Party;
    let otherAssessor: Party;
    let linkedAssessor: Party;
    let authority: Party;
    const visitors = new Map<string, Visitor>();

    async function visitor(party: Party): Promise<Visitor> {
      let v = visitors.get(party.userId);
      if (!v) {
        const s = await createSession(svc.ctx, party.userId);
        v = { cookie: `${SESSION_COOKIE}=${s.secret}`, csrf: s.csrfToken };
        visitors.set(party.userId, v);
      }
      return v;
    }

    async function get(url: string, as?: Party, lang?: 'en') {
      const cookies = [as ? (await visitor(as)).cookie : '', lang ? `confiance_lang=${lang}` : '']
        .filter(Boolean)
        .join('; ');
      return svc.app.inject({ url, headers: cookies ? { cookie: cookies } : {} });
    }

    async function post(url: string, as: Party | undefined, fields: Record<string, string>, csrf = true) {
      const v = as ? await visitor(as) : undefined;
      const payload = new URLSearchParams({ ...(v && csrf ? { _csrf: v.csrf } : {}), ...fields }).toString();
      return svc.app.inject({
        method: 'POST',
        url,
        headers: { ...FORM, ...(v ? { cookie: v.cookie } : {}) },
        payload,
      });
    }

    const api = (method: string, url: string, as: Party, payload?: unknown) =>
      injectClient(svc.app).request(method, url, { as, ...(payload ? { payload } : {}) });

    let inReview: Built;
    let submitted: Built;
    let granted: Built;

    before(async () => {
      svc = await startService(engine, {}, { server: webServerOptions });
      provider = await createParty(svc, 'provider', 'Example Cloud SAS');
      assessor = await createParty(svc, 'assessor', 'Alice Assessor');
      otherAssessor = await createParty(svc, 'assessor', 'Bob Assessor');
      linkedAssessor = await createParty(svc, 'assessor', 'Carol Linked');
      authority = await createParty(svc, 'authority', 'Label Authority');
      await declareAssessorLink(
        svc.ctx,
        { ...linkedAssessor.actor, via: 'session' },
        { entityName: 'Dassault Systèmes SE' },
      );
      builder = new WorkflowBuilder(injectClient(svc.app), { provider, assessor, authority });
      inReview = await builder.build('in-review', { evidence: true });
      submitted = await builder.build('submitted');
      granted = await builder.build('granted');
    });
    after(() => svc?.close());

    describe('who may open what', () => {
      const assessorPages = () => [
        '/console/assessor',
        `/console/assessor/applications/${inReview.applicationId}`,
        `/console/assessor/applications/${inReview.applicationId}/evidence/${inReview.evidenceId}`,
      ];
      const authorityPages = () => [
        '/console/authority',
        '/console/authority/applications',
        `/console/authority/applications/${inReview.applicationId}`,
        `/console/authority/applications/${inReview.applicationId}/evidence/${inReview.evidenceId}`,
        '/console/authority/labels',
        `/console/authority/labels/${granted.labelId}`,
        '/console/authority/referentials',
        '/console/authority/referentials/compare?from=cloud-de-confiance%401.0.0&to=cloud-de-confiance%401.0.0',
        '/console/authority/audit',
      ];

      it('sends a signed-out visitor to the sign-in page and back', async () => {
        for (const url of [...assessorPages(), ...authorityPages()]) {
          const res = await get(url);
          assert.equal(res.statusCode, 303, url);
          assert.equal(
            res.headers.location,
            `/sign-in?notice=sign-in-required&next=${encodeURIComponent(url)}`,
          );
        }
      });

      it('refuses a provider, and each role the other role’s console, with a 403 page', async () => {
        for (const url of [...assessorPages(), ...authorityPages()]) {
          const res = await get(url, provider);
          assert.equal(res.statusCode, 403, url);
          assert.match(res.body, /Accès refusé/);
        }
        for (const url of assessorPages()) assert.equal((await get(url, authority)).statusCode, 403, url);
        for (const url of authorityPages()) assert.equal((await get(url, assessor)).statusCode, 403, url);
      });

      it('lands each role on its console from /console', async () => {
        assert.equal((await get('/console', assessor)).headers.location, '/console/assessor');
        assert.equal((await get('/console', authority)).headers.location, '/console/authority');
      });

      it('tells another assessor the application does not exist', async () => {
        const id = inReview.applicationId!;
        for (const url of [
          `/console/assessor/applications/${id}`,
          `/console/assessor/applications/${id}/evidence/${inReview.evidenceId}`,
        ]) {
          const res = await get(url, otherAssessor);
          assert.equal(res.statusCode, 404, url);
          assert.match(res.body, /Page introuvable/);
        }
        const verdicts = await post(`/console/assessor/applications/${id}/verdicts`, otherAssessor, {
          [`verdict.${criterionWith(inReview.application, 'manual-review')}`]: 'pass',
        });
        assert.equal(verdicts.statusCode, 404);
        assert.equal(
          (await post(`/console/assessor/applications/${id}/complete`, otherAssessor, {})).statusCode,
          404,
        );
        // The queue of the other assessor does not list it either.
        assert.doesNotMatch((await get('/console/assessor', otherAssessor)).body, new RegExp(id));
      });

      it('refuses every form without the session’s CSRF token', async () => {
        const id = inReview.applicationId!;
        const forms: Array<[string, Party, Record<string, string>]> = [
          [`/console/assessor/applications/${id}/verdicts`, assessor, { 'verdict.X': 'pass' }],
          [`/console/assessor/applications/${id}/complete`, assessor, {}],
          [
            `/console/authority/applications/${submitted.applicationId}/assign`,
            authority,
            { assessorId: assessor.userId },
          ],
          [`/console/authority/applications/${id}/decision`, authority, { outcome: 'refuse', reasons: 'x' }],
          [`/console/authority/labels/${granted.labelId}/suspend`, authority, { reason: 'x' }],
          [`/console/authority/labels/${granted.labelId}/revoke`, authority, { reason: 'x' }],
          [`/console/authority/labels/${granted.labelId}/reinstate`, authority, { reason: 'x' }],
          ['/console/authority/referentials', authority, { document: 'id: x' }],
        ];
        for (const [url, who, fields] of forms) {
          const missing = await post(url, who, fields, false);
          assert.equal(missing.statusCode, 403, url);
          assert.match(missing.body, /formulaire a expiré/);
          const wrong = await post(url, who, { ...fields, _csrf: 'not-the-token' }, false);
          assert.equal(wrong.statusCode, 403, url);
        }
        // Nothing changed.
        const app = (await api('GET', `/v1/applications/${id}`, authority)).json();
        assert.equal(app.state, 'in-review');
        assert.deepEqual(app.verdicts, []);
        assert.equal((await api('GET', `/v1/labels/${granted.labelId}`, authority)).json().state, 'active');
      });
    });

    describe('assessor', () => {
      it('lists the applications assigned, with their state, and filters by state', async () => {
        const res = await get('/console/assessor', assessor);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<h1>Mes dossiers à évaluer<\/h1>/);
        assert.match(res.body, new RegExp(`href="/console/assessor/applications/${inReview.applicationId}"`));
        assert.match(res.body, /En évaluation/);
        const reviewedOnly = await get('/console/assessor?state=reviewed', assessor);
        assert.doesNotMatch(reviewedOnly.body, new RegExp(`applications/${inReview.applicationId}"`));
        assert.match(reviewedOnly.body, /<option value="reviewed" selected>/);
        const bad = await get('/console/assessor?state=pending', assessor);
        assert.equal(bad.statusCode, 400);
        assertFieldError(bad.body, 'state', /Choisissez un état/);
      });

      it('shows the criteria with results and explanations, and the evidence with its digest', async () => {
        const id = inReview.applicationId!;
        const res = await get(`/console/assessor/applications/${id}`, assessor);
        assert.equal(res.statusCode, 200);
        const app = inReview.application;
        const manual = criterionWith(app, 'manual-review');
        const first = app.evaluation.criteria[0];
        assert.match(res.body, new RegExp(`id="criterion-${manual}"`));
        assert.ok(res.body.includes(escapeHtml(first.explanation)), 'the French explanation');
        assert.match(res.body, /Évaluation automatique : À examiner/);
        assert.match(
          res.body,
          new RegExp(`<select class="fr-select" id="verdict-${manual}" name="verdict.${manual}">`),
        );
        const evidence = (await api('GET', `/v1/applications/${id}`, assessor)).json().evidence[0];
        assert.match(res.body, new RegExp(evidence.digest));
        assert.match(res.body, /Télécharger audit-report\.txt/);
        assert.match(
          res.body,
          new RegExp(`href="/console/assessor/applications/${id}/evidence/${evidence.id}"`),
        );
        assert.doesNotMatch(res.body, /\sstyle="/);
      });

      it('shows the criteria in English when the reader chose English', async () => {
        const res = await get(`/console/assessor/applications/${inReview.applicationId}`, assessor, 'en');
        assert.match(res.body, /<html lang="en">/);
        assert.match(res.body, /Automated evaluation: Manual review/);
        const first = inReview.application.evaluation.criteria[0];
        assert.ok(!res.body.includes(escapeHtml(first.explanation)), 'no French explanation left');
        const doc = svc.ctx.referentials.get('cloud-de-confiance', '1.0.0').document;
        const title = doc.criteria.find((c) => c.id === first.id)!.title.en;
        assert.ok(res.body.includes(escapeHtml(title)), 'the English title');
      });

      it('downloads an evidence file through the evidence use case', async () => {
        const res = await get(
          `/console/assessor/applications/${inReview.applicationId}/evidence/${inReview.evidenceId}`,
          assessor,
        );
        assert.equal(res.statusCode, 200);
        assert.equal(res.body, `evidence for ${inReview.offerId}`);
        assert.match(String(res.headers['content-disposition']), /^attachment; filename="audit-report\.txt"/);
        assert.match(String(res.headers['x-content-sha256']), /^[0-9a-f]{64}$/);
        assert.equal(res.headers['cache-control'], 'private, no-store');
      });

      it('refuses an unknown verdict and an empty form, next to the fields', async () => {
        const id = inReview.applicationId!;
        const manual = criterionWith(inReview.application, 'manual-review');
        const unknown = await post(`/console/assessor/applications/${id}/verdicts`, assessor, {
          [`verdict.${manual}`]: 'maybe',
          [`comment.${manual}`]: 'Kept on the page',
        });
        assert.equal(unknown.statusCode, 400);
        assertFieldError(unknown.body, `verdict-${manual}`, /Choisissez un verdict de la liste/);
        assert.match(unknown.body, /Kept on the page<\/textarea>/);
        const empty = await post(`/console/assessor/applications/${id}/verdicts`, assessor, {});
        assert.equal(empty.statusCode, 400);
        assert.match(empty.body, /Choisissez au moins un verdict/);
      });

      it('asks for a comment when a verdict overturns the automated result', async () => {
        const id = inReview.applicationId!;
        const passed = criterionWith(inReview.application, 'pass');
        const res = await post(`/console/assessor/applications/${id}/verdicts`, assessor, {
          [`verdict.${passed}`]: 'fail',
        });
        assert.equal(res.statusCode, 400);
        assertFieldError(res.body, `comment-${passed}`, /expliquez pourquoi/);
        assert.deepEqual((await api('GET', `/v1/applications/${id}`, assessor)).json().verdicts, []);
      });

      it('does not close a review with criteria still awaiting a verdict', async () => {
        const res = await post(
          `/console/assessor/applications/${inReview.applicationId}/complete`,
          assessor,
          {},
        );
        assert.equal(res.statusCode, 409);
        assert.match(res.body, /des critères à examiner n’ont pas encore de verdict/);
        assert.equal(
          (await api('GET', `/v1/applications/${inReview.applicationId}`, assessor)).json().state,
          'in-review',
        );
      });

      it('records verdicts with comments, then closes the review', async () => {
        const id = inReview.applicationId!;
        const pending = inReview.application.review.pendingReviews as string[];
        const fields: Record<string, string> = {};
        for (const c of pending) {
          fields[`verdict.${c}`] = 'pass';
          fields[`comment.${c}`] = `Checked ${c} against the audit report.`;
        }
        const page = await get(`/console/assessor/applications/${id}`, assessor);
        fields.version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
        const saved = await post(`/console/assessor/applications/${id}/verdicts`, assessor, fields);
        assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
        assert.equal(saved.headers.location, `/console/assessor/applications/${id}?notice=verdicts-recorded`);
        const after = (await api('GET', `/v1/applications/${id}`, assessor)).json();
        assert.deepEqual(
          after.verdicts.map((v: Json) => [v.criterionId, v.status, v.comment]),
          pending.map((c) => [c, 'pass', `Checked ${c} against the audit report.`]),
        );
        const shown = await get(`/console/assessor/applications/${id}?notice=verdicts-recorded`, assessor);
        assert.match(shown.body, /Vos verdicts sont enregistrés/);
        assert.match(shown.body, /Tous les critères à examiner ont un verdict/);
        // Re-saving the same form is "nothing to save", not a new verdict.
        const again = await post(`/console/assessor/applications/${id}/verdicts`, assessor, {
          ...fields,
          version: String(after.version),
        });
        assert.equal(again.statusCode, 400);

        const stale = await post(`/console/assessor/applications/${id}/complete`, assessor, { version: '1' });
        assert.equal(stale.statusCode, 409);
        assert.match(stale.body, /Le dossier a changé/);
        const done = await post(`/console/assessor/applications/${id}/complete`, assessor, {
          version: String(after.version),
        });
        assert.equal(done.statusCode, 303);
        assert.equal(done.headers.location, '/console/assessor?notice=review-completed');
        assert.equal((await api('GET', `/v1/applications/${id}`, assessor)).json().state, 'reviewed');
        const file = await get(`/console/assessor/applications/${id}`, assessor);
        assert.doesNotMatch(file.body, /id="verdicts-form"/, 'no form once the review is closed');
      });
    });

    describe('authority: assignments and decisions', () => {
      it('shows what waits in each state', async () => {
        const res = await get('/console/authority', authority);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /À affecter/);
        assert.match(res.body, /href="\/console\/authority\/applications\?state=submitted"/);
        const list = await get('/console/authority/applications?state=submitted', authority);
        assert.match(list.body, new RegExp(`applications/${submitted.applicationId}"`));
        assert.match(list.body, /Non affecté/);
        assert.equal((await get('/console/authority/applications?state=nope', authority)).statusCode, 400);
      });

      it('refuses an empty assignment and an assessor with a declared link, next to the field', async () => {
        const url = `/console/authority/applications/${submitted.applicationId}/assign`;
        const empty = await post(url, authority, { assessorId: '' });
        assert.equal(empty.statusCode, 400);
        assertFieldError(empty.body, 'assessorId', /Choisissez un évaluateur/);
        const linked = await post(url, authority, { assessorId: linkedAssessor.userId });
        assert.equal(linked.statusCode, 409);
        assertFieldError(linked.body, 'assessorId', /Affectation refusée : cet évaluateur a déclaré un lien/);
        assert.match(linked.body, /liens déclarés : Dassault Systèmes SE/);
        const notAssessor = await post(url, authority, { assessorId: provider.userId });
        assert.equal(notAssessor.statusCode, 400);
        assertFieldError(notAssessor.body, 'assessorId', /évaluateur actif/);
        assert.equal(
          (await api('GET', `/v1/applications/${submitted.applicationId}`, authority)).json().state,
          'submitted',
        );
      });

      it('assigns an assessor, who then finds the application in their queue', async () => {
        const url = `/console/authority/applications/${submitted.applicationId}/assign`;
        const res = await post(url, authority, { assessorId: otherAssessor.userId });
        assert.equal(res.statusCode, 303);
        assert.equal(
          res.headers.location,
          `/console/authority/applications/${submitted.applicationId}?notice=assigned`,
        );
        const app = (await api('GET', `/v1/applications/${submitted.applicationId}`, authority)).json();
        assert.equal(app.state, 'in-review');
        assert.equal(app.assessorId, otherAssessor.userId);
        assert.match(
          (await get('/console/assessor', otherAssessor)).body,
          new RegExp(`${submitted.applicationId}`),
        );
      });

      it('refuses a decision without outcome, a refusal without reasons, and a level not attained', async () => {
        const reviewed = await builder.build('reviewed', {
          verdicts: [
            {
              criterionId: 'CDC-IMM-03',
              status: 'fail',
              comment: 'The §19.6 protections are not in the contract.',
            },
          ],
        });
        assert.equal(reviewed.application.review.level, 'eu-data');
        const url = `/console/authority/applications/${reviewed.applicationId}/decision`;
        const none = await post(url, authority, {});
        assert.equal(none.statusCode, 400);
        assert.match(
          none.body,
          /<p class="fr-message fr-message--error" id="outcome-error">Choisissez d’attribuer/,
        );
        assert.match(none.body, /<a href="#outcome">/);
        const noReasons = await post(url, authority, { outcome: 'refuse', reasons: '   ' });
        assert.equal(noReasons.statusCode, 400);
        assertFieldError(noReasons.body, 'reasons', /Indiquez les motifs du refus/);
        const noLevel = await post(url, authority, { outcome: 'grant', level: '' });
        assertFieldError(noLevel.body, 'level', /Choisissez le niveau attribué/);
        const unknown = await post(url, authority, { outcome: 'grant', level: 'platinum' });
        assert.equal(unknown.statusCode, 400);
        assertFieldError(unknown.body, 'level', /Choisissez un niveau du référentiel/);
        const tooHigh = await post(url, authority, { outcome: 'grant', level: 'trusted' });
        assert.equal(tooHigh.statusCode, 409);
        assertFieldError(tooHigh.body, 'level', /n’est pas atteint après évaluation/);
        assert.equal(
          (await api('GET', `/v1/applications/${reviewed.applicationId}`, authority)).json().state,
          'reviewed',
        );
        const refused = await post(url, authority, {
          outcome: 'refuse',
          reasons: 'Level trusted not met after review.',
        });
        assert.equal(refused.statusCode, 303);
        const app = (await api('GET', `/v1/applications/${reviewed.applicationId}`, authority)).json();
        assert.equal(app.state, 'refused');
        assert.equal(app.decision.reasons, 'Level trusted not met after review.');
        const file = await get(`/console/authority/applications/${reviewed.applicationId}`, authority);
        assert.match(file.body, /Demande refusée/);
        assert.match(file.body, /Motifs : Level trusted not met after review\./);
      });

      it('grants a level: the label page opens and the offer is in the public registry', async () => {
        const reviewed = await builder.build('reviewed');
        const file = await get(`/console/authority/applications/${reviewed.applicationId}`, authority);
        assert.match(file.body, /<option value="trusted" selected>/);
        const res = await post(
          `/console/authority/applications/${reviewed.applicationId}/decision`,
          authority,
          {
            outcome: 'grant',
            level: 'trusted',
          },
        );
        assert.equal(res.statusCode, 303);
        const labelId = (await api('GET', `/v1/applications/${reviewed.applicationId}`, authority)).json()
          .label.id;
        assert.equal(res.headers.location, `/console/authority/labels/${labelId}?notice=granted`);
        const label = await get(res.headers.location as string, authority);
        assert.match(label.body, /Le label est attribué/);
        const pub = await get(`/offers/${reviewed.offerId}`);
        assert.equal(pub.statusCode, 200);
        assert.match(pub.body, /fr-badge--green-emeraude">Confiance</);
      });
    });

    describe('authority: labels', () => {
      it('lists labels and filters them by state', async () => {
        const res = await get('/console/authority/labels', authority);
        assert.match(res.body, new RegExp(`href="/console/authority/labels/${granted.labelId}"`));
        const revoked = await get('/console/authority/labels?state=revoked', authority);
        assert.doesNotMatch(revoked.body, new RegExp(`labels/${granted.labelId}"`));
        const bad = await get('/console/authority/labels?state=lost', authority);
        assert.equal(bad.statusCode, 400);
        assertFieldError(bad.body, 'state', /Choisissez un état/);
      });

      it('suspends, reinstates and revokes with reasons; an empty reason stays on the page', async () => {
        const id = granted.labelId!;
        const page = await get(`/console/authority/labels/${id}`, authority);
        assert.match(page.body, /id="reason-suspend"/);
        assert.match(page.body, /id="reason-revoke"/);
        assert.doesNotMatch(page.body, /id="reason-reinstate"/);
        const empty = await post(`/console/authority/labels/${id}/suspend`, authority, { reason: ' ' });
        assert.equal(empty.statusCode, 400);
        assertFieldError(empty.body, 'reason-suspend', /Indiquez le motif/);

        const suspended = await post(`/console/authority/labels/${id}/suspend`, authority, {
          reason: 'Audit pending.',
        });
        assert.equal(suspended.statusCode, 303);
        assert.equal(suspended.headers.location, `/console/authority/labels/${id}?notice=suspended`);
        const now = await get(`/console/authority/labels/${id}`, authority);
        assert.match(now.body, /id="reason-reinstate"/);
        assert.doesNotMatch(now.body, /id="reason-suspend"/);
        assert.match(now.body, /Audit pending\./);
        const wrong = await post(`/console/authority/labels/${id}/suspend`, authority, { reason: 'Again.' });
        assert.equal(wrong.statusCode, 409);
        assert.match(wrong.body, /Le label a changé/);

        assert.equal(
          (await post(`/console/authority/labels/${id}/reinstate`, authority, { reason: 'Audit passed.' }))
            .statusCode,
          303,
        );
        const revoked = await post(`/console/authority/labels/${id}/revoke`, authority, {
          reason: 'The provider left the EU market.',
        });
        assert.equal(revoked.statusCode, 303);
        const label = (await api('GET', `/v1/labels/${id}`, authority)).json();
        assert.equal(label.state, 'revoked');
        assert.equal(label.stateReason, 'The provider left the EU market.');
        const final = await get(`/console/authority/labels/${id}`, authority);
        assert.match(final.body, /son état ne peut plus changer/);
        assert.match(final.body, /label\.suspended[\s\S]*label\.reinstated[\s\S]*label\.revoked/);
        const pub = await get(`/offers/${granted.offerId}`);
        assert.match(pub.body, /fr-badge--error">Retiré</);
      });
    });
  });
}
