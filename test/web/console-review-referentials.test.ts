/**
 * The authority's referential versions (publishing one, two side by side) and audit trail (filters,
 * pages) through inject(), and the review consoles' message catalogue.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createSession, SESSION_COOKIE } from '../../src/api/auth.js';
import { NOTICES } from '../../src/web/console/review/file.js';
import { hasMessage } from '../../src/web/i18n/index.js';
import { reviewMessages } from '../../src/web/i18n/review.js';
import { webServerOptions } from '../../src/web/plugin.js';
import { APPLICATION_STATES } from '../../src/workflow/dashboard.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import type { Json } from '../helpers/workflow.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

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

for (const engine of await engines()) {
  describe(`authority: referential versions and the audit trail (inject, ${engine})`, () => {
    let svc: TestService;
    let authority: Party;
    let cookie: string;
    let csrf: string;

    before(async () => {
      svc = await startService(engine, {}, { server: webServerOptions });
      authority = await createParty(svc, 'authority', 'Label Authority');
      const s = await createSession(svc.ctx, authority.userId);
      cookie = `${SESSION_COOKIE}=${s.secret}`;
      csrf = s.csrfToken;
    });
    after(() => svc?.close());

    const get = (url: string) => svc.app.inject({ url, headers: { cookie } });
    const post = (url: string, fields: Record<string, string>) =>
      svc.app.inject({
        method: 'POST',
        url,
        headers: { ...FORM, cookie },
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });

    /** The shipped 1.0.0 with a new version number, one parameter, one rule and one title changed, one criterion removed and one added. */
    function nextVersion(): { text: string; changedRule: string; removed: string } {
      const doc = structuredClone(svc.ctx.referentials.get('cloud-de-confiance', '1.0.0').document) as Json;
      doc.version = '1.1.0';
      doc.parameters.maxNonEuSingleHolderPct.value = 20;
      const changed = doc.criteria[2];
      changed.rule.pass = `(${changed.rule.pass}) && true`;
      changed.title.en = `${changed.title.en} (revised)`;
      const removed = doc.criteria.find((c: Json) => !c.rule.review && c.id !== changed.id);
      doc.criteria = doc.criteria.filter((c: Json) => c.id !== removed.id);
      doc.criteria.push({
        ...structuredClone(changed),
        id: 'CDC-NEW-01',
        title: { fr: 'Nouveau critère', en: 'New criterion' },
      });
      return { text: stringify(doc), changedRule: changed.id, removed: removed.id };
    }

    it('lists the published versions with their digest', async () => {
      const res = await get('/console/authority/referentials');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /cloud-de-confiance/);
      const row = await svc.ctx.store.db
        .selectFrom('referentials')
        .selectAll()
        .where('id', '=', 'cloud-de-confiance')
        .executeTakeFirstOrThrow();
      assert.match(res.body, new RegExp(row.digest));
    });

    it('refuses an empty, an invalid and a not newer document, next to the field', async () => {
      const empty = await post('/console/authority/referentials', { document: '' });
      assert.equal(empty.statusCode, 400);
      assertFieldError(empty.body, 'document', /Collez le référentiel/);
      const invalid = await post('/console/authority/referentials', {
        document: 'id: only-an-id\nversion: 2.0.0\n',
      });
      assert.equal(invalid.statusCode, 400);
      assertFieldError(invalid.body, 'document', /Le référentiel n’est pas valide/);
      assert.match(
        invalid.body,
        /<ul class="fr-text--sm app-error-details" id="document-details">\s*<li><code>/,
      );
      assert.match(invalid.body, /only-an-id/, 'the document typed stays in the field');
      const shipped = svc.ctx.referentials.get('cloud-de-confiance', '1.0.0').document;
      const same = await post('/console/authority/referentials', { document: JSON.stringify(shipped) });
      assert.equal(same.statusCode, 409);
      assert.match(same.body, /n’est pas plus récente/);
    });

    it('publishes a new version, then shows both side by side', async () => {
      const next = nextVersion();
      const res = await post('/console/authority/referentials', { document: next.text });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      assert.match(String(res.headers.location), /notice=published/);
      const list = await get(String(res.headers.location));
      assert.match(list.body, /La nouvelle version du référentiel est publiée/);
      assert.match(list.body, /<option value="cloud-de-confiance@1\.1\.0" selected>/);

      const diff = await get(
        '/console/authority/referentials/compare?from=cloud-de-confiance%401.0.0&to=cloud-de-confiance%401.1.0',
      );
      assert.equal(diff.statusCode, 200);
      assert.match(diff.body, /<h1>Référentiel cloud-de-confiance : 1\.0\.0 → 1\.1\.0<\/h1>/);
      assert.match(diff.body, /<th scope="col">Version 1\.0\.0<\/th><th scope="col">Version 1\.1\.0<\/th>/);
      const criteriaRow =
        /<tr><th scope="row">Critères<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/.exec(diff.body);
      assert.deepEqual(criteriaRow?.slice(1), ['1', '1', '1']);
      assert.match(diff.body, new RegExp(`id="diff-criteria-${next.changedRule}"`));
      assert.match(
        diff.body,
        /<code>rule\.pass<\/code><br><span class="fr-badge fr-badge--sm fr-badge--warning">Règle modifiée/,
      );
      assert.match(diff.body, /\(revised\)/);
      assert.match(diff.body, /id="diff-criteria-added"[\s\S]*CDC-NEW-01/);
      assert.match(diff.body, new RegExp(`id="diff-criteria-removed"[\\s\\S]*${next.removed}`));
      assert.match(
        diff.body,
        /id="diff-parameters-maxNonEuSingleHolderPct"[\s\S]*?<td>\s*24\s*<\/td>\s*<td>\s*20\s*<\/td>/,
      );

      const same = await get(
        '/console/authority/referentials/compare?from=cloud-de-confiance%401.1.0&to=cloud-de-confiance%401.1.0',
      );
      assert.match(same.body, /Les deux versions disent la même chose/);
    });

    it('refuses unknown or mismatched versions, next to the fields', async () => {
      const missing = await get('/console/authority/referentials/compare');
      assert.equal(missing.statusCode, 400);
      assertFieldError(missing.body, 'from', /Choisissez une version/);
      const unknown = await get(
        '/console/authority/referentials/compare?from=cloud-de-confiance%409.9.9&to=cloud-de-confiance%401.0.0',
      );
      assert.equal(unknown.statusCode, 400);
      assertFieldError(unknown.body, 'from', /n’est pas publiée/);
      const mixed = await get(
        '/console/authority/referentials/compare?from=cloud-de-confiance%401.0.0&to=eu-csf%401.0.0',
      );
      assert.equal(mixed.statusCode, 400);
      assertFieldError(mixed.body, 'to', /même référentiel/);
    });

    it('shows the audit trail newest first, filtered and in pages', async () => {
      const all = await get('/console/authority/audit');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /referential\.published/);
      const ids = [...all.body.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
      assert.ok(ids.length > 2);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
        'newest first',
      );

      const filtered = await get('/console/authority/audit?action=referential.published');
      const actions = [...filtered.body.matchAll(/<td><code>([\w.-]+)<\/code><\/td>/g)].map((m) => m[1]);
      assert.ok(actions.length >= 3);
      assert.deepEqual([...new Set(actions)], ['referential.published']);
      assert.match(filtered.body, /<option value="referential.published" selected>/);

      const byActor = await get(`/console/authority/audit?actor=${encodeURIComponent(authority.email)}`);
      assert.match(byActor.body, /Label Authority &lt;/);
      assert.doesNotMatch(byActor.body, /<td>system<\/td>/);

      // Pages of 50: enough entries to need two.
      for (let i = 0; i < 55; i++) {
        await svc.ctx.store.db
          .insertInto('audit_events')
          .values({
            at: svc.clock.now.toISOString(),
            actor: 'test',
            action: 'test.entry',
            subject_type: 'test',
            subject_id: String(i),
            before: null,
            after: null,
          })
          .execute();
      }
      const first = await get('/console/authority/audit?subjectType=test');
      const older = /href="(\/console\/authority\/audit\?[^"]*before=\d+)"/
        .exec(first.body)?.[1]
        ?.replace(/&amp;/g, '&');
      assert.ok(older, 'a link to older entries');
      assert.match(first.body, /aria-disabled="true" role="link">Entrées plus récentes/);
      const second = await get(older);
      const subjects = [...second.body.matchAll(/<code>(\d+)<\/code><\/td>/g)].map((m) => Number(m[1]));
      assert.deepEqual(subjects, [4, 3, 2, 1, 0]);
      const newer = /href="(\/console\/authority\/audit\?[^"]*after=\d+)"/
        .exec(second.body)?.[1]
        ?.replace(/&amp;/g, '&');
      assert.ok(newer);
      const back = await get(newer);
      assert.equal([...back.body.matchAll(/<code>(\d+)<\/code><\/td>/g)][0]?.[1], '54');

      const bad = await get('/console/authority/audit?before=abc');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Le lien de pagination est incorrect/);
    });
  });
}

describe('review console messages', () => {
  const root = new URL('../../src/web/', import.meta.url);
  const sources = ['views/console/review', 'console/review'].flatMap((dir) =>
    readdirSync(new URL(dir, root), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(eta|ts)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name)),
  );

  it('defines every literal key the review pages name, in both languages, none empty', () => {
    assert.ok(sources.length > 10);
    const missing: string[] = [];
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](review\.[A-Za-z0-9.-]+)['"`]/g)) {
        if (!hasMessage(m[1]!)) missing.push(`${file}: ${m[1]}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.deepEqual(Object.keys(reviewMessages.en).sort(), Object.keys(reviewMessages.fr).sort());
    for (const lang of ['fr', 'en'] as const) {
      for (const [key, text] of Object.entries(reviewMessages[lang] as Record<string, string>)) {
        assert.ok(text.trim().length > 0, `${lang}: ${key} is empty`);
      }
    }
  });

  it('defines the keys built from states, statuses, actions, sections and notices', () => {
    const keys = [
      ...APPLICATION_STATES.map((s) => `review.state.${s}`),
      ...['pass', 'fail', 'manual-review', 'not-applicable', 'missing-data'].map((s) => `review.status.${s}`),
      ...['attained', 'subject-to-review', 'not-attained'].map((s) => `review.levelStatus.${s}`),
      ...['suspend', 'reinstate', 'revoke'].flatMap((a) =>
        ['title', 'intro', 'submit'].map((k) => `review.label.${a}.${k}`),
      ),
      ...['criteria', 'levels', 'parameters', 'definitions', 'categories', 'dataClasses', 'objectives'].map(
        (s) => `review.compare.${s}`,
      ),
      ...['added', 'removed'].flatMap((k) => [`review.compare.${k}Count`, `review.compare.${k}Caption`]),
      ...NOTICES.map((n) => `review.notice.${n}`),
    ];
    assert.deepEqual(
      keys.filter((k) => !hasMessage(k)),
      [],
    );
  });
});
