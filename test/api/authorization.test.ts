/**
 * The authorization matrix: every route the server registers × every kind of caller, with the status the
 * use cases promise. A route added without an entry here fails the first test, by name.
 *
 * Callers: anonymous; the provider owning the resource; another provider; the assessor assigned to the
 * application; an assessor who is not; the authority; and a read-only token (scope `read`) of the role
 * that is allowed (`readOnlyOf`). Resources come from the workflow fixture builder, in the state that lets
 * the allowed caller really succeed; a caller allowed to change a resource gets a fresh one of its own.
 * Other organisations' applications, offers, tokens and webhooks are "not found" (404), never "forbidden":
 * their ids cannot be probed.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/workflow/accounts.js';
import { repoRoot } from '../helpers/cli.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import {
  type Built,
  type Client,
  expectStatus,
  injectClient,
  type Json,
  type Reply,
  registeredRoutes,
  tokenFor,
  WorkflowBuilder,
} from '../helpers/workflow.js';

const CALLERS = [
  'anonymous',
  'owner',
  'otherProvider',
  'assessor',
  'unassignedAssessor',
  'authority',
  'readOnly',
] as const;
type CallerName = (typeof CALLERS)[number];
const OK = 'ok' as const;
type Outcome = typeof OK | 400 | 401 | 403 | 404 | 409;

/** One row of the matrix, in the order of CALLERS. */
function row(
  anonymous: Outcome,
  owner: Outcome,
  otherProvider: Outcome,
  assessor: Outcome,
  unassignedAssessor: Outcome,
  authority: Outcome,
  readOnly: Outcome,
): Record<CallerName, Outcome> {
  return { anonymous, owner, otherProvider, assessor, unassignedAssessor, authority, readOnly };
}

const PUBLIC = row(OK, OK, OK, OK, OK, OK, OK);
const SIGNED_IN_READ = row(401, OK, OK, OK, OK, OK, OK);
const SIGNED_IN_WRITE = row(401, OK, OK, OK, OK, OK, 403);
const AUTHORITY_READ = row(401, 403, 403, 403, 403, OK, OK);
const AUTHORITY_WRITE = row(401, 403, 403, 403, 403, OK, 403);

interface World {
  /** A granted label whose application was reviewed by `assessor`, with one evidence file. */
  label: Built;
  credential: string;
  statusList: string;
  /** A webhook owned by the owner. */
  webhookId: string;
}

interface Resources {
  world: World;
  /** The fresh resource prepared for this route (and this caller, when it may change it). */
  fx: Built;
  tokenId: string;
  webhookId: string;
}

interface Tools {
  svc: TestService;
  client: Client;
  builder: WorkflowBuilder;
  people: Record<Exclude<CallerName, 'anonymous' | 'readOnly'>, Party>;
}

interface Entry {
  expect: Record<CallerName, Outcome>;
  /** Whose read-only token plays `readOnly` (default: the owner's). */
  readOnlyOf?: 'owner' | 'assessor' | 'authority';
  /** Callers present a session (cfs_) instead of an API token: for routes that refuse API tokens. */
  sessions?: boolean;
  /** Prepares the resource a write acts on; run once for the denied callers and once per allowed one. */
  prepare?: (t: Tools) => Promise<Partial<Resources>>;
  request(r: Resources, t: Tools): { url: string; payload?: unknown; headers?: Record<string, string> };
  /** More checks on a successful reply, e.g. that a list does not show other organisations' things. */
  check?: (caller: CallerName, reply: Json, r: Resources) => void;
}

const fixture =
  (target: Parameters<WorkflowBuilder['build']>[0]) =>
  async (t: Tools): Promise<Partial<Resources>> => ({ fx: await t.builder.build(target) });

const ids = (reply: Json) => (reply.items as Array<{ id: string }>).map((i) => i.id);
/** A list check: these callers see the item, the others must not. */
const listed =
  (pick: (r: Resources) => string, seers: CallerName[]) =>
  (caller: CallerName, reply: Json, r: Resources) => {
    const seen = ids(reply).includes(pick(r));
    assert.equal(seen, seers.includes(caller), `${caller} ${seen ? 'sees' : 'does not see'} ${pick(r)}`);
  };

const referentialYaml = readFileSync(
  join(repoRoot, 'referentials', 'cloud-de-confiance', '1.0.0.yaml'),
  'utf8',
);
let referentialPatch = 0;
const PASSWORD = 'correct horse battery staple';

// Rows read: row(anonymous, owner, otherProvider, assessor, unassignedAssessor, authority, readOnly).
const MATRIX: Record<string, Entry> = {
  // ----------------------------------------------------------------- public reads for relying parties
  'GET /openapi.json': { expect: PUBLIC, request: () => ({ url: '/openapi.json' }) },
  'GET /docs/json': { expect: PUBLIC, request: () => ({ url: '/docs/json' }) },
  'GET /docs/yaml': { expect: PUBLIC, request: () => ({ url: '/docs/yaml' }) },
  'GET /.well-known/did.json': { expect: PUBLIC, request: () => ({ url: '/.well-known/did.json' }) },
  'GET /v1/status-lists/:id': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/status-lists/${r.world.statusList}` }),
  },
  'GET /v1/referentials': { expect: PUBLIC, request: () => ({ url: '/v1/referentials' }) },
  'GET /v1/referentials/:id/:version': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/referentials/cloud-de-confiance/1.0.0' }),
  },
  'POST /v1/verify': {
    expect: PUBLIC,
    request: (r) => ({ url: '/v1/verify', payload: { credential: r.world.credential } }),
  },
  'GET /v1/log/checkpoint': { expect: PUBLIC, request: () => ({ url: '/v1/log/checkpoint' }) },
  'GET /v1/log/entries': { expect: PUBLIC, request: () => ({ url: '/v1/log/entries?start=0&end=2' }) },
  'GET /v1/log/proofs/inclusion': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/log/proofs/inclusion?index=0' }),
  },
  'GET /v1/log/proofs/consistency': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/log/proofs/consistency?from=1' }),
  },
  'GET /v1/labels/:id': { expect: PUBLIC, request: (r) => ({ url: `/v1/labels/${r.world.label.labelId}` }) },
  'GET /v1/labels/:id/credential': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/labels/${r.world.label.labelId}/credential` }),
  },
  'GET /v1/labels/:id/inclusion': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/labels/${r.world.label.labelId}/inclusion` }),
  },

  // ----------------------------------------------------------------- accounts
  'POST /v1/signup': {
    expect: PUBLIC,
    request: () => {
      const tag = randomBytes(4).toString('hex');
      return {
        url: '/v1/signup',
        payload: {
          organisation: { name: `Signup ${tag} SAS`, country: 'FR' },
          user: { email: `signup-${tag}@example.test`, displayName: 'Signup', password: PASSWORD },
        },
      };
    },
  },
  'POST /v1/auth/login': {
    expect: PUBLIC,
    request: (_r, t) => ({
      url: '/v1/auth/login',
      payload: { email: t.people.owner.email, password: PASSWORD },
    }),
  },
  // Logging out needs someone logged in; with an API token it ends nothing, but is not refused.
  'POST /v1/auth/logout': { expect: SIGNED_IN_READ, request: () => ({ url: '/v1/auth/logout' }) },
  'GET /v1/me': { expect: SIGNED_IN_READ, request: () => ({ url: '/v1/me' }) },
  // API tokens cannot mint tokens: the callers log in, and the read-only token is refused for its scope.
  'POST /v1/tokens': {
    expect: SIGNED_IN_WRITE,
    sessions: true,
    request: () => ({ url: '/v1/tokens', payload: { name: 'matrix', scopes: ['read'] } }),
  },
  'GET /v1/tokens': { expect: SIGNED_IN_READ, request: () => ({ url: '/v1/tokens' }) },
  // The owner's token: its user and the authority may revoke it; to anyone else it does not exist.
  'DELETE /v1/tokens/:id': {
    expect: row(401, OK, 404, 404, 404, OK, 403),
    prepare: async (t) => {
      const created = await createApiToken(
        t.svc.ctx,
        { ...t.people.owner.actor, via: 'password' },
        { name: 'to revoke', scopes: ['read'] },
      );
      return { tokenId: created.id };
    },
    request: (r) => ({ url: `/v1/tokens/${r.tokenId}` }),
  },
  'POST /v1/organisations': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    request: () => ({
      url: '/v1/organisations',
      payload: { name: `Org ${randomBytes(3).toString('hex')}`, kind: 'provider', country: 'FR' },
    }),
  },
  'GET /v1/organisations': {
    expect: AUTHORITY_READ,
    readOnlyOf: 'authority',
    request: () => ({ url: '/v1/organisations' }),
  },
  'POST /v1/users': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    request: (_r, t) => ({
      url: '/v1/users',
      payload: {
        organisationId: t.people.owner.organisationId,
        email: `user-${randomBytes(4).toString('hex')}@example.test`,
        displayName: 'New user',
      },
    }),
  },
  'GET /v1/users': { expect: AUTHORITY_READ, readOnlyOf: 'authority', request: () => ({ url: '/v1/users' }) },
  'POST /v1/assessor/links': {
    expect: row(401, 403, 403, OK, OK, 403, 403),
    readOnlyOf: 'assessor',
    request: () => ({
      url: '/v1/assessor/links',
      payload: { entityName: `Unrelated Holding ${randomBytes(3).toString('hex')}` },
    }),
  },
  'GET /v1/audit': {
    expect: AUTHORITY_READ,
    readOnlyOf: 'authority',
    request: () => ({ url: '/v1/audit?limit=5' }),
  },

  // ----------------------------------------------------------------- declarations and applications
  // Offer ids are global: another provider reusing one gets a conflict, whatever it may see.
  'POST /v1/declarations': {
    expect: row(401, OK, 409, 403, 403, 403, 403),
    prepare: fixture('declared'),
    request: (r) => ({ url: '/v1/declarations', payload: r.fx.declaration }),
  },
  'GET /v1/offers': {
    expect: row(401, OK, OK, 403, 403, OK, OK),
    request: () => ({ url: '/v1/offers' }),
    check: listed((r) => r.world.label.offerId, ['owner', 'authority', 'readOnly']),
  },
  'GET /v1/offers/:id/declaration': {
    expect: row(401, OK, 404, OK, 404, OK, OK),
    request: (r) => ({ url: `/v1/offers/${r.world.label.offerId}/declaration` }),
  },
  // Another provider's offer is reported like an unknown one (400 on `$.offerId`), so it cannot be probed.
  'POST /v1/applications': {
    expect: row(401, OK, 400, 403, 403, 403, 403),
    prepare: fixture('declared'),
    request: (r) => ({ url: '/v1/applications', payload: { offerId: r.fx.offerId, targetLevel: 'trusted' } }),
  },
  'GET /v1/applications': {
    expect: SIGNED_IN_READ,
    request: () => ({ url: '/v1/applications?limit=500' }),
    check: listed((r) => r.world.label.applicationId!, ['owner', 'assessor', 'authority', 'readOnly']),
  },
  'GET /v1/applications/:id': {
    expect: row(401, OK, 404, OK, 404, OK, OK),
    request: (r) => ({ url: `/v1/applications/${r.world.label.applicationId}` }),
  },
  'POST /v1/applications/:id/withdraw': {
    expect: row(401, OK, 404, 403, 403, 403, 403),
    prepare: fixture('in-review'),
    request: (r) => ({ url: `/v1/applications/${r.fx.applicationId}/withdraw` }),
  },
  'POST /v1/applications/:id/assign': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    prepare: fixture('in-review'),
    request: (r, t) => ({
      url: `/v1/applications/${r.fx.applicationId}/assign`,
      payload: { assessorId: t.people.assessor.userId },
    }),
  },
  'POST /v1/applications/:id/verdicts': {
    expect: row(401, 403, 403, OK, 404, 403, 403),
    readOnlyOf: 'assessor',
    prepare: fixture('in-review'),
    request: (r) => ({
      url: `/v1/applications/${r.fx.applicationId}/verdicts`,
      payload: { verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'No link found.' }] },
    }),
  },
  'POST /v1/applications/:id/complete-review': {
    expect: row(401, 403, 403, OK, 404, 403, 403),
    readOnlyOf: 'assessor',
    prepare: fixture('assessed'),
    request: (r) => ({ url: `/v1/applications/${r.fx.applicationId}/complete-review` }),
  },
  'POST /v1/applications/:id/decision': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    prepare: fixture('reviewed'),
    request: (r) => ({
      url: `/v1/applications/${r.fx.applicationId}/decision`,
      payload: { outcome: 'grant', level: 'trusted' },
    }),
  },
  'POST /v1/applications/:id/evidence': {
    expect: row(401, OK, 404, 403, 403, 403, 403),
    prepare: fixture('in-review'),
    request: (r) => ({
      url: `/v1/applications/${r.fx.applicationId}/evidence?filename=report.txt`,
      payload: 'an audit report',
      headers: { 'content-type': 'text/plain' },
    }),
  },
  'GET /v1/applications/:id/evidence/:evidenceId': {
    expect: row(401, OK, 404, OK, 404, OK, OK),
    request: (r) => ({
      url: `/v1/applications/${r.world.label.applicationId}/evidence/${r.world.label.evidenceId}`,
    }),
  },
  'POST /v1/referentials': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    request: () => {
      referentialPatch += 1;
      return {
        url: '/v1/referentials',
        payload: referentialYaml.replace(/^version: 1\.0\.0$/m, `version: 1.0.${referentialPatch}`),
        headers: { 'content-type': 'application/yaml' },
      };
    },
  },

  // ----------------------------------------------------------------- labels
  'GET /v1/labels': {
    expect: row(401, OK, OK, 403, 403, OK, OK),
    request: () => ({ url: '/v1/labels?limit=500' }),
    check: listed((r) => r.world.label.labelId!, ['owner', 'authority', 'readOnly']),
  },
  'POST /v1/labels/:id/suspend': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    prepare: fixture('granted'),
    request: (r) => ({ url: `/v1/labels/${r.fx.labelId}/suspend`, payload: { reason: 'Matrix.' } }),
  },
  'POST /v1/labels/:id/reinstate': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    prepare: fixture('suspended'),
    request: (r) => ({ url: `/v1/labels/${r.fx.labelId}/reinstate`, payload: { reason: 'Matrix.' } }),
  },
  'POST /v1/labels/:id/revoke': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    prepare: fixture('granted'),
    request: (r) => ({ url: `/v1/labels/${r.fx.labelId}/revoke`, payload: { reason: 'Matrix.' } }),
  },
  'POST /v1/admin/sweep': {
    expect: AUTHORITY_WRITE,
    readOnlyOf: 'authority',
    request: () => ({ url: '/v1/admin/sweep' }),
  },

  // ----------------------------------------------------------------- the public registry
  'GET /v1/registry/offers': { expect: PUBLIC, request: () => ({ url: '/v1/registry/offers' }) },
  'GET /v1/registry/offers/:id': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/registry/offers/${r.world.label.offerId}` }),
  },
  'GET /v1/registry/providers/:id': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/registry/providers/${r.world.label.declaration.provider.id}` }),
  },
  'GET /v1/registry/export.json': { expect: PUBLIC, request: () => ({ url: '/v1/registry/export.json' }) },
  'GET /v1/registry/export.csv': { expect: PUBLIC, request: () => ({ url: '/v1/registry/export.csv' }) },
  'GET /v1/registry/snapshot': { expect: PUBLIC, request: () => ({ url: '/v1/registry/snapshot' }) },

  // ----------------------------------------------------------------- interoperability (Gaia-X, OSCAL, EU CSF)
  'POST /v1/interop/gaiax/import': {
    expect: SIGNED_IN_READ,
    request: () => ({
      url: '/v1/interop/gaiax/import',
      payload: {
        document: JSON.parse(
          readFileSync(join(repoRoot, 'test/fixtures/gaiax/provider-vp.unsigned.json'), 'utf8'),
        ),
        allowUnsigned: true,
      },
    }),
  },
  'GET /v1/referentials/:id/:version/oscal': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/referentials/cloud-de-confiance/1.0.0/oscal' }),
  },
  'GET /v1/applications/:id/oscal': {
    expect: row(401, OK, 404, OK, 404, OK, OK),
    request: (r) => ({ url: `/v1/applications/${r.world.label.applicationId}/oscal` }),
  },
  'GET /v1/labels/:id/gaiax': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/labels/${r.world.label.labelId}/gaiax` }),
  },
  'GET /v1/registry/offers/:id/sovereignty': {
    expect: PUBLIC,
    request: (r) => ({ url: `/v1/registry/offers/${r.world.label.offerId}/sovereignty?gate=SOV-3:2` }),
  },
  'POST /v1/sovereignty/assess': {
    expect: SIGNED_IN_READ,
    request: (r) => ({ url: '/v1/sovereignty/assess', payload: { declaration: r.world.label.declaration } }),
  },

  // ----------------------------------------------------------------- webhooks (anyone signed in subscribes)
  'POST /v1/webhooks': {
    expect: SIGNED_IN_WRITE,
    request: () => ({
      url: '/v1/webhooks',
      payload: { url: 'https://hooks.example.test/labels', events: ['label.revoked'] },
    }),
  },
  'GET /v1/webhooks': {
    expect: SIGNED_IN_READ,
    request: () => ({ url: '/v1/webhooks' }),
    check: listed((r) => r.world.webhookId, ['owner', 'readOnly']),
  },
  // The authority may delete any webhook (abuse); to anyone else another user's webhook does not exist.
  'DELETE /v1/webhooks/:id': {
    expect: row(401, OK, 404, 404, 404, OK, 403),
    prepare: async (t) => {
      const created = expectStatus(
        await t.client.request('POST', '/v1/webhooks', {
          as: t.people.owner,
          payload: { url: 'https://hooks.example.test/delete-me', events: ['label.suspended'] },
        }),
        201,
        'POST /v1/webhooks',
      );
      return { webhookId: created.id };
    },
    request: (r) => ({ url: `/v1/webhooks/${r.webhookId}` }),
  },
  'GET /v1/webhooks/:id/deliveries': {
    expect: row(401, OK, 404, 404, 404, 404, OK),
    request: (r) => ({ url: `/v1/webhooks/${r.world.webhookId}/deliveries` }),
  },
  'POST /v1/webhooks/:id/test': {
    expect: row(401, OK, 404, 404, 404, 404, 403),
    request: (r) => ({ url: `/v1/webhooks/${r.world.webhookId}/test` }),
  },

  // ----------------------------------------------------------------- placement (decisions are public)
  'POST /v1/placement/decisions': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/placement/decisions', payload: { class: 'sensitive' } }),
  },
  'GET /v1/placement/classes': { expect: PUBLIC, request: () => ({ url: '/v1/placement/classes' }) },
  // Anyone signed in defines classes for its own organisation only.
  'PUT /v1/placement/classes/:id': {
    expect: SIGNED_IN_WRITE,
    request: () => ({
      url: `/v1/placement/classes/matrix-${randomBytes(4).toString('hex')}`,
      payload: { title: 'Matrix', extends: 'personal' },
    }),
  },
  // Another organisation's class does not exist for the caller, the authority included.
  'DELETE /v1/placement/classes/:id': (() => {
    let id = '';
    return {
      expect: row(401, OK, 404, 404, 404, 404, 403),
      prepare: async (t: Tools) => {
        id = `matrix-${randomBytes(4).toString('hex')}`;
        expectStatus(
          await t.client.request('PUT', `/v1/placement/classes/${id}`, {
            as: t.people.owner,
            payload: { title: 'To delete', extends: 'internal' },
          }),
          201,
          'PUT /v1/placement/classes/:id',
        );
        return {};
      },
      request: () => ({ url: `/v1/placement/classes/${id}` }),
    };
  })(),
  'GET /v1/regions': { expect: PUBLIC, request: () => ({ url: '/v1/regions' }) },
  'GET /v1/regions/:provider/:code': {
    expect: PUBLIC,
    request: () => ({ url: '/v1/regions/aws/eu-west-3' }),
  },
};

/** The API docs page and its static files (HTML, scripts, styles): the only routes left out of the matrix. */
const DOCS_ASSETS = /^\/docs(\/|\/static\/.*|\/\*)?$/;

function matches(expected: Outcome, status: number): boolean {
  return expected === OK ? status >= 200 && status < 300 : status === expected;
}

for (const engine of await engines()) {
  describe(`authorization matrix (${engine})`, () => {
    let svc: TestService;
    let tools: Tools;
    let world: World;
    let routes: string[];
    let readOnly: Record<'owner' | 'assessor' | 'authority', Party>;
    const sessions = new Map<string, Party>();

    before(async () => {
      svc = await startService(engine);
      const client = injectClient(svc.app);
      const people = {
        owner: await createParty(svc, 'provider', '3DS Outscale SAS'),
        otherProvider: await createParty(svc, 'provider', 'Other Cloud SAS'),
        assessor: await createParty(svc, 'assessor', 'Assigned assessor'),
        unassignedAssessor: await createParty(svc, 'assessor', 'Unassigned assessor'),
        authority: await createParty(svc, 'authority', 'Label authority'),
      };
      readOnly = {
        owner: await tokenFor(svc.ctx, people.owner, ['read']),
        assessor: await tokenFor(svc.ctx, people.assessor, ['read']),
        authority: await tokenFor(svc.ctx, people.authority, ['read']),
      };
      const builder = new WorkflowBuilder(client, {
        authority: people.authority,
        assessor: people.assessor,
        provider: people.owner,
      });
      tools = { svc, client, builder, people };
      const label = await builder.build('granted', { evidence: true });
      const credential = await client.request('GET', `/v1/labels/${label.labelId}/credential`);
      const presented = expectStatus(
        await client.request('GET', `/v1/labels/${label.labelId}`),
        200,
        'GET /v1/labels/:id',
      );
      const webhook = expectStatus(
        await client.request('POST', '/v1/webhooks', {
          as: people.owner,
          payload: { url: 'https://hooks.example.test/world', events: ['label.revoked'] },
        }),
        201,
        'POST /v1/webhooks',
      );
      world = {
        label,
        credential: credential.body,
        statusList: String(presented.status.revocation.list).split('/').at(-1)!,
        webhookId: webhook.id,
      };
      routes = registeredRoutes(svc.app).filter((r) => !DOCS_ASSETS.test(r.split(' ')[1]!));
    });
    after(() => svc?.close());

    async function sessionOf(name: string, party: Party): Promise<Party> {
      let session = sessions.get(name);
      if (!session) {
        const login = expectStatus(
          await tools.client.request('POST', '/v1/auth/login', {
            payload: { email: party.email, password: PASSWORD },
          }),
          200,
          'POST /v1/auth/login',
        );
        session = { ...party, token: login.token };
        sessions.set(name, session);
      }
      return session;
    }

    async function callerFor(caller: CallerName, entry: Entry): Promise<Party | undefined> {
      if (caller === 'anonymous') return undefined;
      if (caller === 'readOnly') return readOnly[entry.readOnlyOf ?? 'owner'];
      const party = tools.people[caller];
      return entry.sessions ? sessionOf(caller, party) : party;
    }

    it('has an entry for every registered route, and none for a route that does not exist', () => {
      const missing = routes.filter((r) => !(r in MATRIX));
      assert.deepEqual(
        missing,
        [],
        `routes without an entry in the authorization matrix (test/api/authorization.test.ts): ${missing.join(', ')}`,
      );
      const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
      assert.deepEqual(
        stale,
        [],
        `matrix entries for routes the server does not register: ${stale.join(', ')}`,
      );
    });

    for (const [route, entry] of Object.entries(MATRIX)) {
      it(route, async (t) => {
        if (!routes.includes(route)) return t.skip('not registered (reported by the coverage test)');
        const [method] = route.split(' ') as [string, string];
        const mismatches: string[] = [];
        let shared: Partial<Resources> | undefined;
        for (const caller of CALLERS) {
          const expected = entry.expect[caller];
          let prepared: Partial<Resources> = {};
          if (entry.prepare) {
            // A caller allowed to change the resource gets its own; the refused ones share one.
            if (expected === OK && method !== 'GET') prepared = await entry.prepare(tools);
            else {
              shared ??= await entry.prepare(tools);
              prepared = shared;
            }
          }
          const resources = { world, webhookId: world.webhookId, ...prepared } as Resources;
          const request = entry.request(resources, tools);
          const reply: Reply = await tools.client.request(method, request.url, {
            as: await callerFor(caller, entry),
            payload: request.payload,
            ...(request.headers ? { headers: request.headers } : {}),
          });
          if (!matches(expected, reply.statusCode)) {
            mismatches.push(
              `${caller}: expected ${expected}, got ${reply.statusCode} ${reply.body.slice(0, 160)}`,
            );
            continue;
          }
          if (expected !== OK) {
            // Refusals use the one error shape, and tell nothing more than the status.
            const body = reply.json();
            assert.deepEqual(
              Object.keys(body).sort(),
              ['details', 'error', 'message'],
              `${route} ${caller}: ${reply.body}`,
            );
            if (expected === 401) assert.match(String(reply.headers['www-authenticate']), /^Bearer /);
          } else if (entry.check) {
            try {
              entry.check(caller, reply.json(), resources);
            } catch (err) {
              mismatches.push(`${caller}: ${(err as Error).message}`);
            }
          }
        }
        assert.deepEqual(mismatches, [], `${route}\n  ${mismatches.join('\n  ')}`);
      });
    }

    it("answers alike for another organisation's application and one that does not exist", async () => {
      const other = tools.people.otherProvider;
      const theirs = await tools.client.request('GET', `/v1/applications/${world.label.applicationId}`, {
        as: other,
      });
      const unknownId = randomUUID();
      const none = await tools.client.request('GET', `/v1/applications/${unknownId}`, { as: other });
      assert.equal(theirs.statusCode, 404);
      assert.equal(none.statusCode, 404);
      assert.deepEqual(
        { ...theirs.json(), message: theirs.json().message.replace(world.label.applicationId!, 'ID') },
        { ...none.json(), message: none.json().message.replace(unknownId, 'ID') },
      );
      const offer = await tools.client.request('GET', `/v1/offers/${world.label.offerId}/declaration`, {
        as: other,
      });
      const noOffer = await tools.client.request('GET', '/v1/offers/no-such-offer/declaration', {
        as: other,
      });
      assert.equal(offer.statusCode, noOffer.statusCode);
      assert.equal(offer.json().error, noOffer.json().error);
    });

    it('keeps drafts out of the public registry: an offer without a label is not found there', async () => {
      const draft = await tools.builder.build('submitted');
      const reply = await tools.client.request('GET', `/v1/registry/offers/${draft.offerId}`);
      assert.equal(reply.statusCode, 404, reply.body);
      const search = expectStatus(
        await tools.client.request('GET', '/v1/registry/offers?limit=100'),
        200,
        'registry search',
      );
      assert.ok(
        !JSON.stringify(search).includes(draft.offerId),
        'the draft offer appears in the registry search',
      );
    });

    it('refuses to let an API token mint tokens, even with the write scope', async () => {
      const reply = await tools.client.request('POST', '/v1/tokens', {
        as: tools.people.owner,
        payload: { name: 'minted', scopes: ['read', 'write'] },
      });
      assert.equal(reply.statusCode, 403, reply.body);
    });

    it('makes a cookie session prove its writes come from our pages (CSRF token)', async () => {
      const login = await tools.client.request('POST', '/v1/auth/login', {
        payload: { email: tools.people.owner.email, password: PASSWORD },
      });
      assert.equal(login.statusCode, 200, login.body);
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const { csrfToken } = login.json();
      const declaration = (await tools.builder.build('declared')).declaration;
      const forged = await tools.client.request('POST', '/v1/declarations', {
        payload: declaration,
        headers: { cookie },
      });
      assert.equal(forged.statusCode, 403, forged.body);
      const wrong = await tools.client.request('POST', '/v1/declarations', {
        payload: declaration,
        headers: { cookie, 'x-csrf-token': 'not-the-token' },
      });
      assert.equal(wrong.statusCode, 403, wrong.body);
      const genuine = await tools.client.request('POST', '/v1/declarations', {
        payload: declaration,
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(genuine.statusCode, 201, genuine.body);
      // Reads need no proof.
      const read = await tools.client.request('GET', '/v1/me', { headers: { cookie } });
      assert.equal(read.statusCode, 200, read.body);
    });
  });
}
