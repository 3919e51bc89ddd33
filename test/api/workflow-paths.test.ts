/**
 * Every path of the application and label state machines over HTTP, on every engine: grant, refusal,
 * withdrawal, re-assignment, conflicts of interest, verdicts, illegal transitions, optimistic concurrency,
 * declaration versions, re-evaluation with its grace period, dependent offers and the audit trail.
 *
 *   application: submitted → in-review → reviewed → granted | refused;  submitted | in-review → withdrawn
 *   label:       active ↔ suspended → revoked (and active → revoked)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import {
  type Caller,
  type Client,
  EXAMPLES,
  expectStatus,
  injectClient,
  type Json,
  loadExample,
  registeredRoutes,
  WorkflowBuilder,
} from '../helpers/workflow.js';

for (const engine of await engines()) {
  describe(`workflow paths (${engine})`, () => {
    let svc: TestService;
    let client: Client;
    let builder: WorkflowBuilder;
    let authority: Party;
    let assessor: Party;
    let otherAssessor: Party;
    let provider: Party;
    let otherProvider: Party;

    before(async () => {
      svc = await startService(engine);
      client = injectClient(svc.app);
      authority = await createParty(svc, 'authority', 'Autorité du label');
      assessor = await createParty(svc, 'assessor', 'Assessor One');
      otherAssessor = await createParty(svc, 'assessor', 'Assessor Two');
      provider = await createParty(svc, 'provider', '3DS Outscale SAS');
      otherProvider = await createParty(svc, 'provider', 'Another Cloud SAS');
      builder = new WorkflowBuilder(client, { authority, assessor, provider });
    });
    after(() => svc?.close());

    const post = (url: string, as: Caller, payload?: unknown, headers?: Record<string, string>) =>
      client.request('POST', url, { as, payload, ...(headers ? { headers } : {}) });
    const get = (url: string, as?: Party) => client.request('GET', url, { as });
    const application = async (id: string) =>
      expectStatus(await get(`/v1/applications/${id}`, authority), 200, 'GET application');
    const label = async (id: string) => expectStatus(await get(`/v1/labels/${id}`), 200, 'GET label');

    function expectConflict(reply: Awaited<ReturnType<typeof get>>, what: string): Json {
      const body = expectStatus(reply, 409, what);
      assert.equal(body.error, 'conflict');
      return body;
    }

    it('grants a label: the application ends granted with its decision, and the label is active', async () => {
      const built = await builder.build('granted');
      const app = await application(built.applicationId!);
      assert.equal(app.state, 'granted');
      assert.deepEqual(
        { outcome: app.decision.outcome, level: app.decision.level, decidedBy: app.decision.decidedBy },
        { outcome: 'granted', level: 'trusted', decidedBy: authority.userId },
      );
      assert.deepEqual(app.label, { id: built.labelId, state: 'active', level: 'trusted' });
      const l = await label(built.labelId!);
      assert.equal(l.state, 'active');
      assert.equal(l.offerId, built.offerId);
      assert.equal(l.flagged, null);
    });

    it('refuses with reasons, and a refusal without reasons is a 400', async () => {
      const built = await builder.build('reviewed');
      const url = `/v1/applications/${built.applicationId}/decision`;
      for (const payload of [{ outcome: 'refuse' }, { outcome: 'refuse', reasons: '   ' }]) {
        const reply = expectStatus(await post(url, authority, payload), 400, 'refusal without reasons');
        assert.deepEqual(
          reply.details.map((d: Json) => d.path),
          ['$.reasons'],
        );
      }
      const grantWithoutLevel = expectStatus(
        await post(url, authority, { outcome: 'grant' }),
        400,
        'grant without level',
      );
      assert.deepEqual(
        grantWithoutLevel.details.map((d: Json) => d.path),
        ['$.level'],
      );
      assert.equal(
        (await application(built.applicationId!)).state,
        'reviewed',
        'a rejected decision changes nothing',
      );

      const reasons = 'CDC-CORP-02: the declared shareholding could not be verified.';
      const refused = expectStatus(
        await post(url, authority, { outcome: 'refuse', reasons }),
        200,
        'refusal',
      );
      assert.equal(refused.labelId, null);
      assert.equal(refused.application.state, 'refused');
      assert.deepEqual(
        { outcome: refused.application.decision.outcome, reasons: refused.application.decision.reasons },
        { outcome: 'refused', reasons },
      );
      assert.equal(refused.application.label, null);
    });

    it('lets the provider withdraw before the decision; to another provider the application does not exist', async () => {
      for (const from of ['submitted', 'in-review'] as const) {
        const built = await builder.build(from);
        const url = `/v1/applications/${built.applicationId}/withdraw`;
        expectStatus(await post(url, otherProvider), 404, `withdraw by another provider (${from})`);
        assert.equal((await application(built.applicationId!)).state, from);
        const withdrawn = expectStatus(await post(url, provider), 200, `withdraw (${from})`);
        assert.equal(withdrawn.state, 'withdrawn');
      }
    });

    it('re-assigns an application: the new assessor reviews it, the former one no longer sees it', async () => {
      const built = await builder.build('in-review');
      const id = built.applicationId!;
      const reassigned = expectStatus(
        await post(`/v1/applications/${id}/assign`, authority, { assessorId: otherAssessor.userId }),
        200,
        're-assignment',
      );
      assert.deepEqual(
        { state: reassigned.state, assessorId: reassigned.assessorId },
        { state: 'in-review', assessorId: otherAssessor.userId },
      );
      expectStatus(await get(`/v1/applications/${id}`, assessor), 404, 'former assessor reads');
      const verdicts = {
        verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'No link found.' }],
      };
      expectStatus(
        await post(`/v1/applications/${id}/verdicts`, assessor, verdicts),
        404,
        'former assessor records verdicts',
      );
      expectStatus(
        await post(`/v1/applications/${id}/verdicts`, otherAssessor, verdicts),
        200,
        'new assessor records verdicts',
      );
      expectStatus(
        await post(`/v1/applications/${id}/complete-review`, otherAssessor),
        200,
        'new assessor completes',
      );

      const audit = expectStatus(
        await get(`/v1/audit?subjectType=application&subjectId=${id}`, authority),
        200,
        'audit',
      );
      const assignments = audit.items.filter((e: Json) => e.action === 'application.assigned');
      assert.deepEqual(
        assignments.map((e: Json) => [e.before.assessor, e.after.assessor]),
        [
          [null, assessor.userId],
          [assessor.userId, otherAssessor.userId],
        ],
      );
    });

    describe('assignment refused for a conflict of interest (409 naming the link)', () => {
      const cases = [
        {
          name: "the provider's name",
          link: { entityName: '  3ds OUTSCALE sas ' },
          named: '3ds OUTSCALE sas',
        },
        {
          name: "an owner organisation's name",
          link: { entityName: 'Groupe Industriel Marcel Dassault' },
          named: 'Groupe Industriel Marcel Dassault',
        },
        {
          name: 'the registration number',
          link: { entityName: 'Former employer', registrationValue: '527594493' },
          named: 'Former employer',
        },
      ];
      for (const c of cases) {
        it(`when the assessor declared a link with ${c.name}`, async () => {
          const conflicted = await createParty(svc, 'assessor');
          expectStatus(await post('/v1/assessor/links', conflicted, c.link), 201, 'declare link');
          const built = await builder.build('submitted');
          const reply = expectConflict(
            await post(`/v1/applications/${built.applicationId}/assign`, authority, {
              assessorId: conflicted.userId,
            }),
            'conflicted assignment',
          );
          assert.equal(reply.details[0].path, '$.assessorId');
          assert.ok(reply.details[0].message.includes(c.named), reply.details[0].message);
          const app = await application(built.applicationId!);
          assert.deepEqual(
            { state: app.state, assessorId: app.assessorId },
            { state: 'submitted', assessorId: null },
          );
        });
      }

      it('but not for a link with an unrelated entity', async () => {
        const linked = await createParty(svc, 'assessor');
        expectStatus(
          await post('/v1/assessor/links', linked, {
            entityName: 'Dassault Aviation',
            registrationValue: '712042456',
          }),
          201,
          'link',
        );
        const built = await builder.build('submitted');
        expectStatus(
          await post(`/v1/applications/${built.applicationId}/assign`, authority, {
            assessorId: linked.userId,
          }),
          200,
          'assign',
        );
      });
    });

    it('needs a written reason to overturn an automated result, and none to confirm one', async () => {
      const built = await builder.build('in-review');
      const url = `/v1/applications/${built.applicationId}/verdicts`;
      for (const comment of [undefined, '  ']) {
        const reply = expectStatus(
          await post(url, assessor, {
            verdicts: [
              { criterionId: 'BASE-IAM-01', status: 'fail', ...(comment === undefined ? {} : { comment }) },
            ],
          }),
          400,
          'overturn without comment',
        );
        assert.deepEqual(
          reply.details.map((d: Json) => d.path),
          ['$.verdicts[0].comment'],
        );
      }
      const unknown = expectStatus(
        await post(url, assessor, { verdicts: [{ criterionId: 'NOPE-01', status: 'pass' }] }),
        400,
        'unknown criterion',
      );
      assert.deepEqual(
        unknown.details.map((d: Json) => d.path),
        ['$.verdicts[0].criterionId'],
      );

      const comment = 'MFA is not enforced for break-glass accounts (audit finding 4).';
      const recorded = expectStatus(
        await post(url, assessor, {
          verdicts: [
            { criterionId: 'BASE-IAM-01', status: 'fail', comment },
            { criterionId: 'BASE-ISMS-01', status: 'pass' },
          ],
        }),
        200,
        'overturn with comment',
      );
      const byId = Object.fromEntries(recorded.verdicts.map((v: Json) => [v.criterionId, v]));
      assert.deepEqual(
        {
          status: byId['BASE-IAM-01'].status,
          automatedStatus: byId['BASE-IAM-01'].automatedStatus,
          comment: byId['BASE-IAM-01'].comment,
        },
        { status: 'fail', automatedStatus: 'pass', comment },
      );
      assert.equal(byId['BASE-ISMS-01'].comment, null);
      assert.equal(recorded.review.level, null, 'a failed baseline criterion leaves no level');
    });

    it('refuses to complete a review while manual reviews are undecided (409 naming them)', async () => {
      const built = await builder.build('in-review');
      const reply = expectConflict(
        await post(`/v1/applications/${built.applicationId}/complete-review`, assessor),
        'complete with pending reviews',
      );
      assert.deepEqual(
        reply.details.map((d: Json) => d.path),
        built.application.review.pendingReviews,
      );
      assert.ok(reply.details.length > 0);
      assert.equal((await application(built.applicationId!)).state, 'in-review');
    });

    it('refuses to grant a level the review did not attain (409), and grants the one it did', async () => {
      const built = await builder.build('reviewed', {
        verdicts: [
          {
            criterionId: 'CDC-IMM-03',
            status: 'fail',
            comment: 'Undeclared link with a foreign public body.',
          },
        ],
      });
      assert.equal(built.application.review.level, 'eu-data');
      const url = `/v1/applications/${built.applicationId}/decision`;
      const reply = expectConflict(
        await post(url, authority, { outcome: 'grant', level: 'trusted' }),
        'grant trusted',
      );
      assert.match(reply.message, /not attained/);
      assert.match(reply.details[0].message, /CDC-IMM-03/);
      const unknownLevel = expectStatus(
        await post(url, authority, { outcome: 'grant', level: 'platinum' }),
        400,
        'unknown level',
      );
      assert.equal(unknownLevel.details[0].path, '$.level');
      const granted = expectStatus(
        await post(url, authority, { outcome: 'grant', level: 'eu-data' }),
        200,
        'grant eu-data',
      );
      assert.equal((await label(granted.labelId)).level, 'eu-data');
    });

    it('answers 409 to every illegal transition, and changes nothing', async () => {
      const granted = await builder.build('granted');
      const reviewed = await builder.build('reviewed');
      const submitted = await builder.build('submitted');
      const revoked = await builder.build('revoked');
      const app = (b: { applicationId?: string }, action: string) =>
        `/v1/applications/${b.applicationId}/${action}`;
      const verdicts = { verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'ok' }] };
      const illegal: Array<[string, string, Party, unknown?]> = [
        [
          'decide twice',
          app(granted, 'decision'),
          authority,
          { outcome: 'refuse', reasons: 'changed my mind' },
        ],
        ['assign a granted application', app(granted, 'assign'), authority, { assessorId: assessor.userId }],
        ['withdraw a granted application', app(granted, 'withdraw'), provider],
        ['withdraw a reviewed application', app(reviewed, 'withdraw'), provider],
        [
          'assign a reviewed application',
          app(reviewed, 'assign'),
          authority,
          { assessorId: otherAssessor.userId },
        ],
        ['record verdicts after the review', app(reviewed, 'verdicts'), assessor, verdicts],
        ['complete a review twice', app(reviewed, 'complete-review'), assessor],
        [
          'decide on a submitted application',
          app(submitted, 'decision'),
          authority,
          { outcome: 'grant', level: 'trusted' },
        ],
        ['suspend a revoked label', `/v1/labels/${revoked.labelId}/suspend`, authority, { reason: 'x' }],
        ['reinstate a revoked label', `/v1/labels/${revoked.labelId}/reinstate`, authority, { reason: 'x' }],
        ['revoke a revoked label', `/v1/labels/${revoked.labelId}/revoke`, authority, { reason: 'x' }],
        ['reinstate an active label', `/v1/labels/${granted.labelId}/reinstate`, authority, { reason: 'x' }],
      ];
      for (const [what, url, as, payload] of illegal) {
        const reply = expectConflict(await post(url, as, payload), what);
        assert.equal(reply.details[0]?.path, '$.state', `${what}: ${JSON.stringify(reply)}`);
      }
      const evidence = await client.request('POST', `${app(granted, 'evidence')}?filename=late.txt`, {
        as: provider,
        payload: 'too late',
        headers: { 'content-type': 'text/plain' },
      });
      expectConflict(evidence, 'evidence on a granted application');

      assert.equal((await application(granted.applicationId!)).state, 'granted');
      assert.equal((await application(reviewed.applicationId!)).state, 'reviewed');
      assert.equal((await application(submitted.applicationId!)).state, 'submitted');
      assert.equal((await label(granted.labelId!)).state, 'active');
      assert.equal((await label(revoked.labelId!)).state, 'revoked');
      // A suspended label cannot be suspended again either.
      expectStatus(
        await post(`/v1/labels/${granted.labelId}/suspend`, authority, { reason: 'audit' }),
        200,
        'suspend',
      );
      expectConflict(
        await post(`/v1/labels/${granted.labelId}/suspend`, authority, { reason: 'again' }),
        'suspend twice',
      );
    });

    it('answers 409 to a stale If-Match and accepts the current version', async () => {
      const built = await builder.build('submitted');
      const id = built.applicationId!;
      assert.equal(built.application.version, 1);
      const etag = (await get(`/v1/applications/${id}`, provider)).headers.etag;
      assert.equal(etag, '"1"');
      const assigned = expectStatus(
        await post(
          `/v1/applications/${id}/assign`,
          authority,
          { assessorId: assessor.userId },
          { 'if-match': '"1"' },
        ),
        200,
        'assign at version 1',
      );
      assert.equal(assigned.version, 2);
      const stale = expectConflict(
        await post(`/v1/applications/${id}/withdraw`, provider, undefined, { 'if-match': '"1"' }),
        'stale withdraw',
      );
      assert.equal(stale.details[0].path, 'If-Match');
      expectStatus(
        await post(`/v1/applications/${id}/withdraw`, provider, undefined, { 'if-match': 'garbage' }),
        400,
        'bad If-Match',
      );
      assert.equal((await application(id)).state, 'in-review');
      expectStatus(
        await post(`/v1/applications/${id}/withdraw`, provider, undefined, { 'if-match': '"2"' }),
        200,
        'withdraw at version 2',
      );

      const labelled = await builder.build('granted');
      const { version } = await label(labelled.labelId!);
      expectConflict(
        await post(
          `/v1/labels/${labelled.labelId}/suspend`,
          authority,
          { reason: 'x' },
          { 'if-match': `"${version + 1}"` },
        ),
        'stale suspend',
      );
      assert.equal((await label(labelled.labelId!)).state, 'active');
      const suspended = expectStatus(
        await post(
          `/v1/labels/${labelled.labelId}/suspend`,
          authority,
          { reason: 'x' },
          { 'if-match': `"${version}"` },
        ),
        200,
        'suspend at the current version',
      );
      assert.equal(suspended.version, version + 1);
    });

    it('refuses an application for a data class the referential does not define', async () => {
      const built = await builder.declare();
      const reply = expectStatus(
        await post('/v1/applications', provider, {
          offerId: built.offerId,
          targetLevel: 'trusted',
          dataClass: 'secret',
        }),
        400,
        'unknown data class',
      );
      assert.equal(reply.details[0].path, '$.dataClass');
      assert.match(reply.details[0].message, /health/);
    });

    it('refuses a second open application for the same offer, and accepts one once the first is closed', async () => {
      const built = await builder.build('in-review');
      const again = () =>
        post('/v1/applications', provider, { offerId: built.offerId, targetLevel: 'trusted' });
      const reply = expectConflict(await again(), 'second open application');
      assert.match(reply.message, new RegExp(built.applicationId!));
      expectStatus(await post(`/v1/applications/${built.applicationId}/withdraw`, provider), 200, 'withdraw');
      const second = expectStatus(await again(), 201, 'new application after withdrawal');
      expectConflict(await again(), 'third while the second is open');
      assert.notEqual(second.id, built.applicationId);
    });

    it('versions declarations and guards them with If-Match', async () => {
      const built = await builder.declare();
      const { offerId } = built;
      assert.equal(built.declarationVersion, 1);
      const save = (mutate: (d: Json) => void, headers?: Record<string, string>) => {
        const d = structuredClone(built.declaration);
        mutate(d);
        return post('/v1/declarations', provider, d, headers);
      };
      const v2 = await save((d) => {
        d.offer.name = 'Second name';
      });
      assert.equal(expectStatus(v2, 201, 'v2').version, 2);
      assert.equal(v2.headers.etag, '"2"');
      const stale = expectConflict(
        await save((d) => (d.offer.name = 'Lost update'), { 'if-match': '"1"' }),
        'stale declaration',
      );
      assert.equal(stale.details[0].path, 'If-Match');
      const v3 = await save((d) => (d.offer.name = 'Third name'), { 'if-match': '"2"' });
      assert.equal(expectStatus(v3, 201, 'v3').version, 3);

      const latest = await get(`/v1/offers/${offerId}/declaration`, provider);
      assert.equal(latest.headers.etag, '"3"');
      assert.deepEqual(
        {
          version: latest.json().version,
          latestVersion: latest.json().latestVersion,
          name: latest.json().declaration.offer.name,
        },
        { version: 3, latestVersion: 3, name: 'Third name' },
      );
      const first = expectStatus(
        await get(`/v1/offers/${offerId}/declaration?version=1`, provider),
        200,
        'v1',
      );
      assert.deepEqual(
        { version: first.version, name: first.declaration.offer.name },
        { version: 1, name: built.declaration.offer.name },
      );
      // Another provider cannot write a version of this offer.
      expectConflict(
        await post('/v1/declarations', otherProvider, built.declaration),
        'offer id of another organisation',
      );
    });

    it('flags the label of a SaaS when the label of the IaaS it runs on is suspended or revoked', async () => {
      for (const action of ['suspend', 'revoke'] as const) {
        const iaas = await builder.build('granted');
        const saas = await builder.build('granted', {
          declaration: loadExample(EXAMPLES.saas),
          mutate: (d) => {
            d.offer.runsOn = [iaas.offerId];
          },
        });
        const bystander = await builder.build('granted', {
          declaration: loadExample(EXAMPLES.saas),
          mutate: (d) => {
            d.offer.runsOn = ['some-other-iaas'];
          },
        });
        assert.equal((await label(saas.labelId!)).flagged, null);
        expectStatus(
          await post(`/v1/labels/${iaas.labelId}/${action}`, authority, { reason: `IaaS ${action}` }),
          200,
          action,
        );
        const dependent = await label(saas.labelId!);
        assert.ok(dependent.flagged, `${action}: the SaaS label is not flagged`);
        assert.ok(dependent.flagged.reason.includes(iaas.offerId), dependent.flagged.reason);
        assert.equal(dependent.state, 'active', 'flagged, not suspended: the grace period applies');
        assert.equal(
          (await label(bystander.labelId!)).flagged,
          null,
          'an offer running elsewhere is not flagged',
        );
      }
    });

    it('keeps an audit trail with actor, time, before and after for every change, and only ever appends to it', async () => {
      const readAll = async () => {
        const items: Json[] = [];
        let after = 0;
        for (;;) {
          const page = expectStatus(
            await get(`/v1/audit?limit=500&after=${after}`, authority),
            200,
            'GET /v1/audit',
          );
          items.push(...page.items);
          if (page.next === null) return items;
          after = page.next;
        }
      };
      // A life with every kind of change: review, decision, suspension, reinstatement, a dependent's flag,
      // revocation, a new declaration version and a token revocation.
      const iaas = await builder.build('granted', { evidence: true });
      const saas = await builder.build('granted', {
        declaration: loadExample(EXAMPLES.saas),
        mutate: (d) => (d.offer.runsOn = [iaas.offerId]),
      });
      for (const action of ['suspend', 'reinstate', 'revoke']) {
        expectStatus(
          await post(`/v1/labels/${iaas.labelId}/${action}`, authority, { reason: `audit ${action}` }),
          200,
          action,
        );
      }
      expectStatus(await post('/v1/declarations', provider, iaas.declaration), 201, 'declaration v2');
      const login = expectStatus(
        await post('/v1/auth/login', undefined, {
          email: provider.email,
          password: 'correct horse battery staple',
        }),
        200,
        'login',
      );
      const token = expectStatus(
        await post('/v1/tokens', { token: login.token }, { name: 'short-lived', scopes: ['read'] }),
        201,
        'create token',
      );
      expectStatus(
        await client.request('DELETE', `/v1/tokens/${token.id}`, { as: provider }),
        204,
        'revoke token',
      );

      const snapshot = await readAll();
      const CREATION = /\.(created|submitted|issued|uploaded|link-declared|published)$/;
      const problems: string[] = [];
      for (const e of snapshot) {
        const where = `#${e.id} ${e.action} on ${e.subject.type} ${e.subject.id}`;
        if (typeof e.actor !== 'string' || !e.actor) problems.push(`${where}: no actor`);
        if (Number.isNaN(Date.parse(e.at)) || new Date(e.at).toISOString() !== e.at)
          problems.push(`${where}: time ${e.at}`);
        const isCreation =
          CREATION.test(e.action) || (e.action === 'declaration.saved' && e.after?.version === 1);
        if (isCreation) {
          if (e.after === null) problems.push(`${where}: a creation without "after"`);
        } else if (/\.deleted$/.test(e.action)) {
          if (e.before === null) problems.push(`${where}: a deletion without "before"`);
        } else {
          if (e.before === null) problems.push(`${where}: a change without "before"`);
          if (e.after === null) problems.push(`${where}: a change without "after"`);
        }
      }
      assert.deepEqual(problems, []);
      for (let i = 1; i < snapshot.length; i++)
        assert.ok(snapshot[i].id > snapshot[i - 1].id, 'ids increase');

      // The application's and the label's histories chain: each "before" is the previous "after".
      const history = (type: string, id: string) =>
        snapshot.filter((e) => e.subject.type === type && e.subject.id === id);
      const appHistory = history('application', iaas.applicationId!);
      assert.deepEqual(
        appHistory.map((e) => [e.action, e.actor]),
        [
          ['application.submitted', provider.userId],
          ['application.assigned', authority.userId],
          ['evidence.uploaded', provider.userId],
          ['application.verdicts-recorded', assessor.userId],
          ['application.reviewed', assessor.userId],
          ['application.granted', authority.userId],
        ],
      );
      const transitions = appHistory.filter((e) => e.before);
      for (let i = 1; i < transitions.length; i++)
        assert.equal(transitions[i].before.state, transitions[i - 1].after.state);
      assert.deepEqual(
        history('label', iaas.labelId!).map((e) => [e.action, e.before?.state ?? null, e.after.state]),
        [
          ['label.issued', null, 'active'],
          ['label.suspended', 'active', 'suspended'],
          ['label.reinstated', 'suspended', 'active'],
          ['label.revoked', 'active', 'revoked'],
        ],
      );
      assert.ok(
        history('label', saas.labelId!).some((e) => e.action === 'label.flagged'),
        'the dependent label was flagged in the audit trail',
      );

      // Append-only: no route can change it, and what was there stays as it was.
      const auditRoutes = registeredRoutes(svc.app).filter((r) => r.includes('/audit'));
      assert.deepEqual(auditRoutes, ['GET /v1/audit']);
      for (const method of ['DELETE', 'PUT', 'PATCH', 'POST']) {
        expectStatus(
          await client.request(method, '/v1/audit', { as: authority, payload: {} }),
          404,
          `${method} /v1/audit`,
        );
      }
      await builder.build('suspended');
      const later = await readAll();
      assert.ok(later.length > snapshot.length);
      assert.deepEqual(later.slice(0, snapshot.length), snapshot);
    });

    // Last: it moves the service's clock forward.
    it('flags a label whose new declaration breaks its level, and suspends it after the grace period', async () => {
      const built = await builder.build('granted');
      const before = await label(built.labelId!);
      assert.equal(before.flagged, null);

      const broken = structuredClone(built.declaration);
      broken.provider.registeredOffice = 'US';
      expectStatus(await post('/v1/declarations', provider, broken), 201, 'declaration v2');
      const flagged = await label(built.labelId!);
      assert.ok(flagged.flagged, 'the label is flagged');
      assert.match(flagged.flagged.reason, /CDC-CORP-01/);
      assert.equal(flagged.state, 'active');

      const sweep = async () =>
        expectStatus(await post('/v1/admin/sweep', authority), 200, 'sweep').suspended as string[];
      assert.ok(!(await sweep()).includes(built.labelId!), 'not suspended within the grace period');

      const referentials = expectStatus(await get('/v1/referentials'), 200, 'referentials');
      const latest = referentials.items.find((r: Json) => r.id === 'cloud-de-confiance' && r.latest);
      const doc = expectStatus(
        await get(`/v1/referentials/cloud-de-confiance/${latest.version}`),
        200,
        'referential',
      );
      const grace = Number(doc.parameters.gracePeriodDays.value);
      assert.ok(grace > 0);
      svc.clock.advanceDays(grace - 1);
      assert.ok(
        !(await sweep()).includes(built.labelId!),
        'not suspended a day before the grace period ends',
      );
      svc.clock.advanceDays(2);
      assert.ok((await sweep()).includes(built.labelId!), 'suspended after the grace period');
      const suspended = await label(built.labelId!);
      assert.equal(suspended.state, 'suspended');
      assert.match(suspended.stateReason, /grace period/);
      assert.ok(!(await sweep()).includes(built.labelId!), 'a second sweep leaves it alone');
    });
  });
}
