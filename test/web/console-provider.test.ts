/**
 * The provider console through inject(): who may see each page (signed out → sign-in, wrong role → 403,
 * another provider's offer or application → 404), CSRF refusals, the declaration form (add/remove without
 * JavaScript, errors next to their fields with status 400, preview, save, an unchanged round trip through
 * the rendered HTML, a stale edit), applying after a preview, evidence upload with its SHA-256, withdrawal,
 * and labels with their status.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { webServerOptions } from '../../src/web/plugin.js';
import { evaluateAsApplication } from '../../src/workflow/provider-console.js';
import { createParty, type Party, startService, type TestService } from '../helpers/service.js';
import { type Built, injectClient, loadExample, uniqueId, WorkflowBuilder } from '../helpers/workflow.js';

const PASSWORD = 'correct horse battery staple';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Session {
  cookie: string;
  csrf: string;
  lang?: 'fr' | 'en';
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
}
function cookieValue(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  return setCookies(res)
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1)
    .split(';')[0];
}
const csrfField = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The fields a browser would post for the form `formId` of a page, in document order: text, number, date
 * and hidden inputs, checked radios and checkboxes, textareas, each select's selected (or first) option.
 */
function formFields(html: string, formId: string): Array<[string, string]> {
  const start = html.indexOf(`id="${formId}"`);
  assert.ok(start > 0, `no form #${formId}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
    return m ? unescapeHtml(m[1]!) : undefined;
  };
  const out: Array<[string, string]> = [];
  const re =
    /<input\b[^>]*>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<select\b([^>]*)>([\s\S]*?)<\/select>/g;
  for (let m = re.exec(form); m; m = re.exec(form)) {
    const tag = m[0];
    if (tag.startsWith('<input')) {
      const type = attr(tag, 'type') ?? 'text';
      const name = attr(tag, 'name');
      if (!name || type === 'submit' || type === 'file') continue;
      if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag)) continue;
      out.push([name, attr(tag, 'value') ?? '']);
    } else if (tag.startsWith('<textarea')) {
      out.push([attr(m[1]!, 'name')!, unescapeHtml(m[2]!)]);
    } else {
      const options = [...m[4]!.matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]!);
      const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options[0]!;
      out.push([attr(m[3]!, 'name')!, attr(chosen, 'value') ?? '']);
    }
  }
  return out;
}

function multipart(
  parts: Array<{ name: string; value?: string; filename?: string; type?: string; content?: Buffer }>,
) {
  const boundary = '----confiance-test-boundary';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition =
      p.filename !== undefined
        ? `form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`
        : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(p.content ?? Buffer.from(p.value ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('provider console (inject)', () => {
  let svc: TestService;
  let provider: Party;
  let other: Party;
  let assessor: Party;
  let authority: Party;
  let builder: WorkflowBuilder;
  let mine: Built; // submitted, provider's
  let theirs: Built; // submitted, other's
  let granted: Built; // granted label, provider's
  let me: Session;
  let them: Session;
  let assessorSession: Session;
  let authoritySession: Session;

  async function signIn(party: Party): Promise<Session> {
    const page = await svc.app.inject({ url: '/sign-in' });
    const res = await svc.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: FORM,
      cookies: { confiance_csrf: cookieValue(page, 'confiance_csrf')! },
      payload: new URLSearchParams({
        email: party.email,
        password: PASSWORD,
        _csrf: csrfField(page.body)!,
      }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body);
    const cookie = cookieValue(res, 'confiance_session')!;
    const home = await svc.app.inject({ url: '/', cookies: { confiance_session: cookie } });
    return { cookie, csrf: csrfField(home.body)! };
  }

  const cookiesOf = (s: Session | undefined) =>
    s ? { confiance_session: s.cookie, ...(s.lang ? { confiance_lang: s.lang } : {}) } : {};
  const get = (url: string, as?: Session) => svc.app.inject({ url, cookies: cookiesOf(as) });
  const post = (
    url: string,
    as: Session | undefined,
    fields: Record<string, string> | Array<[string, string]>,
    csrf = true,
  ) => {
    const params = new URLSearchParams(fields);
    if (csrf && as) params.set('_csrf', as.csrf);
    return svc.app.inject({
      method: 'POST',
      url,
      headers: FORM,
      cookies: cookiesOf(as),
      payload: params.toString(),
    });
  };

  before(async () => {
    svc = await startService('sqlite', {}, { server: webServerOptions });
    provider = await createParty(svc, 'provider', 'Example Cloud SAS');
    other = await createParty(svc, 'provider', 'Other Cloud SAS');
    assessor = await createParty(svc, 'assessor', 'Assessor');
    authority = await createParty(svc, 'authority', 'Authority');
    builder = new WorkflowBuilder(injectClient(svc.app), { provider, assessor, authority });
    mine = await builder.build('submitted');
    theirs = await builder.build('submitted', { provider: other });
    granted = await builder.build('granted');
    me = await signIn(provider);
    them = await signIn(other);
    assessorSession = await signIn(assessor);
    authoritySession = await signIn(authority);
  });
  after(() => svc?.close());

  const pagesOf = (b: Built) => [
    '/console/provider',
    '/console/provider/declarations/new',
    `/console/provider/offers/${b.offerId}`,
    `/console/provider/offers/${b.offerId}/declaration`,
    `/console/provider/applications/${b.applicationId}`,
  ];

  it('sends each role from /console to its own console, and a visitor to sign in', async () => {
    const anonymous = await get('/console');
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, '/sign-in?notice=sign-in-required&next=%2Fconsole');
    assert.equal((await get('/console', me)).headers.location, '/console/provider');
    assert.equal((await get('/console', assessorSession)).headers.location, '/console/assessor');
    assert.equal((await get('/console', authoritySession)).headers.location, '/console/authority');
  });

  it('sends a signed-out visitor to sign in and back, and refuses the other roles with 403', async () => {
    for (const url of pagesOf(mine)) {
      const out = await get(url);
      assert.equal(out.statusCode, 303, url);
      assert.equal(out.headers.location, `/sign-in?notice=sign-in-required&next=${encodeURIComponent(url)}`);
      for (const role of [assessorSession, authoritySession]) {
        const res = await get(url, role);
        assert.equal(res.statusCode, 403, `${url}: ${res.statusCode}`);
        assert.match(res.body, /Accès refusé/);
      }
      const ok = await get(url, me);
      assert.equal(ok.statusCode, 200, `${url}: ${ok.body.slice(0, 300)}`);
      assert.equal(ok.headers['cache-control'], 'no-store');
      assert.match(String(ok.headers['content-security-policy']), /script-src 'self'/);
      assert.doesNotMatch(ok.body, /\sstyle="/, `${url}: an inline style attribute`);
      assert.doesNotMatch(ok.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${url}: an inline script`);
    }
  });

  it('answers 404 for another provider’s offer, declaration, application and evidence', async () => {
    for (const url of pagesOf(mine).slice(2)) {
      const res = await get(url, them);
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /Page introuvable/);
    }
    const built = await builder.build('in-review', { evidence: true });
    assert.equal(
      (await get(`/console/provider/applications/${built.applicationId}/evidence/${built.evidenceId}`, them))
        .statusCode,
      404,
    );
    const edit = await post(`/console/provider/offers/${mine.offerId}/declaration`, them, {
      _action: 'save',
    });
    assert.equal(edit.statusCode, 404);
    const apply = await post(`/console/provider/offers/${mine.offerId}/applications`, them, {
      targetLevel: 'baseline',
      _action: 'apply',
    });
    assert.equal(apply.statusCode, 404);
    const withdraw = await post(`/console/provider/applications/${mine.applicationId}/withdraw`, them, {});
    assert.equal(withdraw.statusCode, 404);
    const body = multipart([
      { name: '_csrf', value: them.csrf },
      { name: 'file', filename: 'x.txt', type: 'text/plain', content: Buffer.from('x') },
    ]);
    const upload = await svc.app.inject({
      method: 'POST',
      url: `/console/provider/applications/${mine.applicationId}/evidence`,
      cookies: cookiesOf(them),
      ...body,
    });
    assert.equal(upload.statusCode, 404);
    const home = await get('/console/provider', them);
    assert.doesNotMatch(home.body, new RegExp(mine.offerId));
    assert.match(home.body, new RegExp(theirs.offerId));
  });

  it('refuses every form posted without the session’s CSRF token', async () => {
    const urls = [
      '/console/provider/declarations/new',
      `/console/provider/offers/${mine.offerId}/declaration`,
      `/console/provider/offers/${mine.offerId}/applications`,
      `/console/provider/applications/${mine.applicationId}/withdraw`,
    ];
    for (const url of urls) {
      const missing = await post(url, me, { _action: 'save' }, false);
      assert.equal(missing.statusCode, 403, url);
      assert.match(missing.body, /Le formulaire a expiré/);
      const wrong = await post(url, me, { _action: 'save', _csrf: 'x'.repeat(32) }, false);
      assert.equal(wrong.statusCode, 403, url);
    }
    const upload = (parts: Parameters<typeof multipart>[0]) =>
      svc.app.inject({
        method: 'POST',
        url: `/console/provider/applications/${mine.applicationId}/evidence`,
        cookies: cookiesOf(me),
        ...multipart(parts),
      });
    const file = { name: 'file', filename: 'a.txt', type: 'text/plain', content: Buffer.from('evidence') };
    assert.equal((await upload([file])).statusCode, 403, 'no token');
    assert.equal(
      (await upload([file, { name: '_csrf', value: me.csrf }])).statusCode,
      403,
      'token after the file',
    );
    assert.equal((await upload([{ name: '_csrf', value: 'forged' }, file])).statusCode, 403, 'wrong token');
    assert.equal(
      (await get(`/console/provider/applications/${mine.applicationId}`, me)).body.includes('a.txt'),
      false,
    );
    // Nothing was withdrawn either.
    assert.match((await get(`/console/provider/applications/${mine.applicationId}`, me)).body, /Déposée/);
  });

  describe('declaration form', () => {
    const NEW = '/console/provider/declarations/new';

    it('renders the generated form with fields named by their JSON paths', async () => {
      const res = await get(NEW, me);
      assert.match(res.body, /<h1>Déclarer une offre<\/h1>/);
      assert.match(
        res.body,
        /<label class="fr-label" for="f-offer-id">Identifiant de l’offre \(obligatoire\)/,
      );
      assert.match(res.body, /<input class="fr-input" type="text" id="f-offer-id" name="offer.id" value=""/);
      assert.match(
        res.body,
        /<select class="fr-select" id="f-offer-serviceModel" name="offer.serviceModel">/,
      );
      assert.match(res.body, /name="_count.offer.regions" value="0"/);
      assert.match(
        res.body,
        /<button type="submit"[^>]* name="_add" value="offer.regions" formaction="\/console\/provider\/declarations\/new#f-offer-regions-0">Ajouter une région<\/button>/,
      );
      assert.match(res.body, /<h2 class="fr-h4 fr-mb-0">Fournisseur<\/h2>/);
      const en = await get(NEW, { ...me, lang: 'en' });
      assert.match(en.body, /<h1>Declare an offer<\/h1>/);
      assert.match(en.body, />Add a region<\/button>/);
    });

    it('adds and removes a region with submit buttons, keeping what was typed', async () => {
      const typed = { 'offer.name': 'Typed name', 'offer.processingCountries': 'fr, de' };
      const added = await post(NEW, me, { ...typed, '_count.offer.regions': '0', _add: 'offer.regions' });
      assert.equal(added.statusCode, 200);
      assert.match(added.body, /name="_count.offer.regions" value="1"/);
      assert.match(added.body, /id="f-offer-regions-0-code" name="offer.regions\[0\].code" value=""/);
      assert.match(added.body, /<h4 class="fr-h6 fr-mb-0">Région 1<\/h4>/);
      assert.match(added.body, /name="_remove" value="offer.regions\[0\]"[^>]*>Supprimer « Région 1 »</);
      assert.match(added.body, /name="offer.name" value="Typed name"/);
      assert.match(added.body, /name="offer.processingCountries" value="FR, DE"/);
      assert.doesNotMatch(added.body, /fr-error-text/, 'adding an item validates nothing yet');
      const fields = formFields(added.body, 'declaration-form').filter(([k]) => k !== '_csrf');
      const withCode = fields.map(([k, v]): [string, string] => [
        k,
        k === 'offer.regions[0].code' ? 'par1' : v,
      ]);
      const two = await post(NEW, me, [...withCode, ['_add', 'offer.regions']]);
      assert.match(two.body, /name="offer.regions\[0\].code" value="par1"/);
      assert.match(two.body, /name="_count.offer.regions" value="2"/);
      const removed = await post(NEW, me, [
        ...formFields(two.body, 'declaration-form').filter(([k]) => k !== '_csrf'),
        ['_remove', 'offer.regions[0]'],
      ]);
      assert.equal(removed.statusCode, 200);
      assert.match(removed.body, /name="_count.offer.regions" value="1"/);
      assert.doesNotMatch(removed.body, /value="par1"/, 'the first region is the one removed');
      const bad = await post(NEW, me, { _add: 'offer.name' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Cette liste n’existe pas/);
    });

    it('shows each error next to its field and in the summary, with status 400', async () => {
      const res = await post(NEW, me, {
        'provider.id': 'acme',
        'provider.name': 'Acme SAS',
        'offer.id': 'acme iaas',
        'offer.name': 'Acme IaaS',
        'offer.logging.logRetentionDays': 'soixante',
        '_count.offer.regions': '1',
        'offer.regions[0].country': 'FR',
        _action: 'save',
      });
      assert.equal(res.statusCode, 400);
      assert.match(
        res.body,
        /<div class="fr-alert fr-alert--error fr-mb-4w" role="alert" id="error-summary"/,
      );
      assert.match(res.body, /<a href="#f-offer-serviceModel">Ce champ est obligatoire.<\/a>/);
      assert.match(res.body, /<a href="#f-offer-regions-0-code">Ce champ est obligatoire.<\/a>/);
      assert.match(
        res.body,
        /id="f-offer-id" name="offer.id" value="acme iaas"[^>]* aria-describedby="f-offer-id-error" aria-invalid="true">/,
      );
      assert.match(res.body, /<p class="fr-error-text" id="f-offer-id-error">Utilisez des lettres/);
      assert.match(
        res.body,
        /id="f-offer-logging-logRetentionDays" name="offer.logging.logRetentionDays" value="soixante"/,
      );
      assert.match(
        res.body,
        /<p class="fr-error-text" id="f-offer-logging-logRetentionDays-error">Saisissez un nombre entier.<\/p>/,
      );
      assert.match(res.body, /class="fr-select-group fr-select-group--error"/);
      assert.equal(
        (await svc.ctx.store.db.selectFrom('offers').select('id').where('id', '=', 'acme iaas').execute())
          .length,
        0,
      );
      const en = await post(NEW, { ...me, lang: 'en' }, { 'offer.id': 'x', _action: 'preview' });
      assert.equal(en.statusCode, 400);
      assert.match(
        en.body,
        /<a href="#f-provider">This section is required: fill in its fields marked “required”.<\/a>/,
      );
    });

    it('previews the evaluation in the page’s language, then saves a new offer', async () => {
      const doc = loadExample('secnumcloud-iaas-fr.json');
      doc.offer.id = uniqueId('form-offer');
      // The form of an existing offer, as rendered, under a new offer id.
      const filled = await get(`/console/provider/offers/${granted.offerId}/declaration`, me);
      const entries = formFields(filled.body, 'declaration-form')
        .filter(([k]) => k !== '_csrf' && k !== '_version')
        .map(([k, v]): [string, string] => [k, k === 'offer.id' ? doc.offer.id : v]);
      const preview = await post(NEW, me, [...entries, ['_action', 'preview']]);
      assert.equal(preview.statusCode, 200, preview.body.slice(0, 500));
      assert.match(preview.body, /<h2 id="preview-title">Aperçu de l’évaluation<\/h2>/);
      assert.match(preview.body, /<tr data-criterion="CDC-IMM-03">[\s\S]*?À examiner[\s\S]*?<\/tr>/);
      assert.match(
        preview.body,
        /Siège FR, administration centrale FR, établissement principal FR : tous dans l.(#39;)?UE./,
      );
      assert.match(preview.body, /<tr data-level="trusted">[\s\S]*?Atteint sous réserve d’examen/);
      const english = await post(NEW, { ...me, lang: 'en' }, [...entries, ['_action', 'preview']]);
      assert.match(english.body, /<h2 id="preview-title">Evaluation preview<\/h2>/);
      assert.match(english.body, /Registered office FR, central administration FR/);
      assert.equal(
        (await svc.ctx.store.db.selectFrom('offers').select('id').where('id', '=', doc.offer.id).execute())
          .length,
        0,
        'a preview saves nothing',
      );
      const saved = await post(NEW, me, [...entries, ['_action', 'save']]);
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
      assert.equal(
        saved.headers.location,
        `/console/provider/offers/${doc.offer.id}?notice=declaration-saved`,
      );
      const offer = await get(String(saved.headers.location), me);
      assert.match(offer.body, /La déclaration est enregistrée./);
      assert.match(offer.body, /Déclaration en vigueur : version 1/);
    });

    it('saves an existing declaration unchanged when the form is posted as rendered', async () => {
      const url = `/console/provider/offers/${granted.offerId}/declaration`;
      const page = await get(url, me);
      assert.match(page.body, /name="_version" value="1"/);
      const res = await post(url, me, [
        ...formFields(page.body, 'declaration-form').filter(([k]) => k !== '_csrf'),
        ['_action', 'save'],
      ]);
      assert.equal(res.statusCode, 303, res.body.slice(0, 800));
      const row = await svc.ctx.store.db
        .selectFrom('declarations')
        .select(['body', 'version'])
        .where('offer_id', '=', granted.offerId)
        .orderBy('version', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.version), 2);
      const { $schema: _, ...expected } = granted.declaration;
      assert.deepEqual(JSON.parse(row.body), expected);
    });

    it('refuses to save over a version saved since the form was opened (409)', async () => {
      const built = await builder.declare();
      const url = `/console/provider/offers/${built.offerId}/declaration`;
      const page = await get(url, me);
      const fields = formFields(page.body, 'declaration-form').filter(([k]) => k !== '_csrf');
      assert.equal((await post(url, me, [...fields, ['_action', 'save']])).statusCode, 303);
      const stale = await post(url, me, [...fields, ['_action', 'save']]);
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /La déclaration a été modifiée depuis l’ouverture de ce formulaire/);
    });

    it('names the offer id field when the id belongs to another organisation', async () => {
      const page = await get(`/console/provider/offers/${theirs.offerId}/declaration`, them);
      const fields = formFields(page.body, 'declaration-form')
        .filter(([k]) => k !== '_csrf' && k !== '_version')
        .map(([k, v]): [string, string] => [k, k === 'offer.id' ? mine.offerId : v]);
      const res = await post('/console/provider/declarations/new', them, [...fields, ['_action', 'save']]);
      assert.equal(res.statusCode, 409);
      assert.match(
        res.body,
        /<p class="fr-error-text" id="f-offer-id-error">Cet identifiant d’offre est déjà utilisé par une autre organisation.<\/p>/,
      );
    });
  });

  describe('applying, evidence and withdrawal', () => {
    it('previews the evaluation for the level chosen, then applies with exactly that evaluation', async () => {
      const built = await builder.declare();
      const url = `/console/provider/offers/${built.offerId}`;
      const page = await get(url, me);
      assert.match(page.body, /<option value="trusted" selected>Cloud de confiance<\/option>/);
      assert.match(page.body, /Aperçu de l’évaluation pour le niveau « Cloud de confiance »/);
      assert.match(page.body, /id="target-status">Atteint sous réserve d’examen</);
      const preview = await post(`${url}/applications`, me, {
        targetLevel: 'eu-data',
        dataClass: 'health',
        _action: 'preview',
      });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /<option value="eu-data" selected>/);
      assert.match(preview.body, /<tr data-criterion="HDS-01">[\s\S]*?Satisfait/);
      assert.match(preview.body, /name="_previewedLevel" value="eu-data"/);
      // Options other than those previewed: the preview is shown again, nothing is submitted.
      const changed = await post(`${url}/applications`, me, {
        targetLevel: 'baseline',
        dataClass: '',
        _previewedLevel: 'eu-data',
        _previewedDataClass: 'health',
        _action: 'apply',
      });
      assert.equal(changed.statusCode, 200);
      assert.match(changed.body, /Les options ont changé depuis l’aperçu/);
      const bad = await post(`${url}/applications`, me, {
        targetLevel: 'platinum',
        dataClass: 'secret',
        _action: 'apply',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(
        bad.body,
        /<p class="fr-error-text" id="targetLevel-error">Ce niveau n’existe pas dans le référentiel.<\/p>/,
      );
      assert.match(
        bad.body,
        /<p class="fr-error-text" id="dataClass-error">Cette classe de données n’existe pas/,
      );
      assert.match(bad.body, /<a href="#targetLevel">/);
      const applied = await post(`${url}/applications`, me, {
        targetLevel: 'eu-data',
        dataClass: 'health',
        _previewedLevel: 'eu-data',
        _previewedDataClass: 'health',
        _action: 'apply',
      });
      assert.equal(applied.statusCode, 303, applied.body.slice(0, 400));
      const location = String(applied.headers.location);
      assert.match(
        location,
        /^\/console\/provider\/applications\/[0-9a-f-]{36}\?notice=application-submitted$/,
      );
      const id = location.split('/').pop()!.split('?')[0]!;
      const stored = await svc.ctx.store.db
        .selectFrom('applications')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.target_level, 'eu-data');
      assert.equal(stored.data_class, 'health');
      const previewed = evaluateAsApplication(svc.ctx, built.declaration, {
        lang: 'fr',
        dataClass: 'health',
      });
      const evaluation = JSON.parse(stored.evaluation);
      assert.deepEqual(
        evaluation.criteria.map((c: { id: string; status: string }) => [c.id, c.status]),
        previewed.criteria.map((c) => [c.id, c.status]),
      );
      const appPage = await get(location, me);
      assert.match(appPage.body, /La candidature est déposée./);
      assert.match(appPage.body, /Candidature — /);
      const again = await post(`${url}/applications`, me, {
        targetLevel: 'eu-data',
        _previewedLevel: 'eu-data',
        _previewedDataClass: '',
        _action: 'apply',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /Une candidature est déjà en cours pour cette offre./);
    });

    it('shows an application’s criteria in the page’s language, with the assessor’s verdicts', async () => {
      const url = `/console/provider/applications/${granted.applicationId}`;
      const fr = await get(url, me);
      const row = (html: string) => /<tr data-criterion="CDC-IMM-03">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
      assert.match(row(fr.body), /Satisfait/);
      assert.match(row(fr.body), /Décidé par l’évaluateur \(automatique : À examiner\)/);
      assert.match(row(fr.body), /Commentaire de l’évaluateur : Checked by the assessor./);
      assert.match(fr.body, /Label accordé au niveau « Confiance »/);
      const en = await get(url, { ...me, lang: 'en' });
      assert.match(row(en.body), /Decided by the assessor \(automated: To be reviewed\)/);
      assert.match(en.body, /Registered office FR, central administration FR/);
      assert.doesNotMatch(en.body, /Siège FR/);
    });

    it('uploads evidence as multipart and lists it with its SHA-256 digest', async () => {
      const url = `/console/provider/applications/${mine.applicationId}`;
      const upload = (parts: Parameters<typeof multipart>[0], as: Session = me) =>
        svc.app.inject({
          method: 'POST',
          url: `${url}/evidence`,
          cookies: cookiesOf(as),
          ...multipart(parts),
        });
      const content = Buffer.from('%PDF-1.7 audit report\n');
      const ok = await upload([
        { name: '_csrf', value: me.csrf },
        { name: 'criterionId', value: 'CDC-IMM-03' },
        { name: 'file', filename: 'rapport d’audit.pdf', type: 'application/pdf', content },
      ]);
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
      assert.equal(ok.headers.location, `${url}?notice=evidence-uploaded#evidence`);
      const page = await get(url, me);
      const digest = createHash('sha256').update(content).digest('hex');
      assert.match(page.body, new RegExp(`<code class="app-code app-digest">${digest}</code>`));
      assert.match(page.body, /rapport d’audit.pdf/);
      const evidenceId = /data-evidence="([^"]+)"/.exec(page.body)![1]!;
      const download = await get(`${url}/evidence/${evidenceId}`, me);
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['x-content-sha256'], digest);
      assert.equal(download.body, content.toString());
      assert.match(
        String(download.headers['content-disposition']),
        /^attachment; filename="rapport d_audit.pdf"; filename\*=UTF-8''/,
      );

      const wrongType = await upload([
        { name: '_csrf', value: me.csrf },
        { name: 'file', filename: 'x.exe', type: 'application/x-msdownload', content: Buffer.from('MZ') },
      ]);
      assert.equal(wrongType.statusCode, 415);
      assert.match(
        wrongType.body,
        /<p class="fr-error-text" id="file-error">Ce format de fichier n’est pas accepté.<\/p>/,
      );
      assert.match(
        wrongType.body,
        /id="file" name="file"[^>]* aria-describedby="file-error" aria-invalid="true"/,
      );
      const none = await upload([{ name: '_csrf', value: me.csrf }]);
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /id="file-error">Choisissez un fichier.</);
      const empty = await upload([
        { name: '_csrf', value: me.csrf },
        { name: 'file', filename: 'empty.txt', type: 'text/plain', content: Buffer.alloc(0) },
      ]);
      assert.equal(empty.statusCode, 400);
      const criterion = await upload([
        { name: '_csrf', value: me.csrf },
        { name: 'criterionId', value: 'NOPE-01' },
        { name: 'file', filename: 'a.txt', type: 'text/plain', content: Buffer.from('a') },
      ]);
      assert.equal(criterion.statusCode, 400);
      assert.match(criterion.body, /id="criterionId-error">Ce critère ne fait pas partie de l’évaluation.</);
    });

    it('refuses a file larger than the limit next to the file field', async () => {
      const small = await startService('sqlite', { evidenceMaxBytes: 1024 }, { server: webServerOptions });
      try {
        const p = await createParty(small, 'provider');
        const b = new WorkflowBuilder(injectClient(small.app), {
          provider: p,
          assessor: await createParty(small, 'assessor'),
          authority: await createParty(small, 'authority'),
        });
        const built = await b.build('submitted');
        const page = await small.app.inject({ url: '/sign-in' });
        const signed = await small.app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: FORM,
          cookies: { confiance_csrf: cookieValue(page, 'confiance_csrf')! },
          payload: new URLSearchParams({
            email: p.email,
            password: PASSWORD,
            _csrf: csrfField(page.body)!,
          }).toString(),
        });
        const cookie = cookieValue(signed, 'confiance_session')!;
        const csrf = csrfField(
          (await small.app.inject({ url: '/', cookies: { confiance_session: cookie } })).body,
        )!;
        const res = await small.app.inject({
          method: 'POST',
          url: `/console/provider/applications/${built.applicationId}/evidence`,
          cookies: { confiance_session: cookie },
          ...multipart([
            { name: '_csrf', value: csrf },
            { name: 'file', filename: 'big.txt', type: 'text/plain', content: Buffer.alloc(4096, 'a') },
          ]),
        });
        assert.equal(res.statusCode, 413);
        assert.match(res.body, /id="file-error">Le fichier dépasse la taille maximale.</);
      } finally {
        await small.close();
      }
    });

    it('withdraws an open application, and only while the workflow allows it', async () => {
      const built = await builder.build('in-review');
      const url = `/console/provider/applications/${built.applicationId}`;
      const page = await get(url, me);
      assert.match(page.body, /Retirer cette candidature/);
      const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
      const res = await post(`${url}/withdraw`, me, { version });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${url}?notice=application-withdrawn`);
      const after = await get(String(res.headers.location), me);
      assert.match(after.body, /La candidature est retirée./);
      assert.match(after.body, /<p class="fr-badge fr-badge--sm ">Retirée<\/p>/);
      assert.doesNotMatch(after.body, /Retirer cette candidature/);
      assert.doesNotMatch(after.body, /enctype="multipart\/form-data"/, 'no more evidence once withdrawn');
      const again = await post(`${url}/withdraw`, me, {});
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /ne peut plus être retirée/);
      const granted = await get(`/console/provider/applications/${mine.applicationId}`, me);
      assert.match(granted.body, /Retirer cette candidature/);
    });
  });

  it('lists labels with level, status, validity and links, and follows a suspension', async () => {
    const home = await get('/console/provider', me);
    const row = new RegExp(`<tr data-label="${granted.labelId}">[\\s\\S]*?</tr>`).exec(home.body)?.[0] ?? '';
    assert.match(row, /Confiance/);
    assert.match(row, /Valide/);
    assert.match(row, /29 novembre 2029/);
    assert.match(row, new RegExp(`href="/offers/${granted.offerId}"`));
    assert.match(row, new RegExp(`href="/v1/labels/${granted.labelId}/credential"`));
    const suspended = await svc.app.inject({
      method: 'POST',
      url: `/v1/labels/${granted.labelId}/suspend`,
      headers: { authorization: `Bearer ${authority.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ reason: 'Audit pending' }),
    });
    assert.equal(suspended.statusCode, 200, suspended.body);
    const offer = await get(`/console/provider/offers/${granted.offerId}`, { ...me, lang: 'en' });
    const en = new RegExp(`<tr data-label="${granted.labelId}">[\\s\\S]*?</tr>`).exec(offer.body)?.[0] ?? '';
    assert.match(en, /Suspended/);
    assert.match(en, /Reason: Audit pending/);
    const other = await get('/console/provider', them);
    assert.doesNotMatch(other.body, new RegExp(granted.labelId!));
  });
});
