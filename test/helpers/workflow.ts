/**
 * A fixture builder for the label workflow: drives an offer's declaration, over the real HTTP API, to any
 * state a test needs (declared, submitted, in review, reviewed, granted label, suspended, revoked, …),
 * checking every step's status so that a broken step fails where it breaks, not three calls later.
 *
 * It talks to the service through a `Client`: `injectClient(app)` for an in-process Fastify instance,
 * `fetchClient(url)` for a server listening in another process (the concurrency tests).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/workflow/accounts.js';
import type { Context } from '../../src/workflow/context.js';
import { repoRoot } from './cli.js';
import type { Party } from './service.js';

// biome-ignore lint/suspicious/noExplicitAny: replies are JSON documents that tests read field by field.
export type Json = any;

export interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): Json;
}

/** Who calls: a party (its token), a bare token, or nobody. */
export type Caller = { token: string } | undefined;

export interface RequestOptions {
  as?: Caller;
  /** An object is sent as JSON; a string or a Buffer as is (set the content-type in `headers`). */
  payload?: unknown;
  headers?: Record<string, string>;
}

export interface Client {
  request(method: string, url: string, options?: RequestOptions): Promise<Reply>;
}

function authHeaders(as: Caller): Record<string, string> {
  return as ? { authorization: `Bearer ${as.token}` } : {};
}

export function injectClient(app: FastifyInstance): Client {
  return {
    async request(method, url, options = {}) {
      const raw = typeof options.payload === 'string' || Buffer.isBuffer(options.payload);
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...authHeaders(options.as),
          ...(options.payload !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.payload === undefined
          ? {}
          : { payload: raw ? (options.payload as string | Buffer) : JSON.stringify(options.payload) }),
      });
      return {
        statusCode: res.statusCode,
        headers: res.headers,
        body: res.body,
        json: () => JSON.parse(res.body),
      };
    },
  };
}

export function fetchClient(baseUrl: string): Client {
  return {
    async request(method, url, options = {}) {
      const raw = typeof options.payload === 'string' || Buffer.isBuffer(options.payload);
      const res = await fetch(baseUrl + url, {
        method,
        headers: {
          ...authHeaders(options.as),
          ...(options.payload !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.payload === undefined
          ? {}
          : { body: raw ? (options.payload as string | Buffer) : JSON.stringify(options.payload) }),
      });
      const body = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return { statusCode: res.status, headers, body, json: () => JSON.parse(body) };
    },
  };
}

/** Fails with the route, the expected and actual status and the body, which is what one needs to debug. */
export function expectStatus(reply: Reply, expected: number, what: string): Json {
  assert.equal(
    reply.statusCode,
    expected,
    `${what}: expected ${expected}, got ${reply.statusCode}: ${reply.body.slice(0, 600)}`,
  );
  return reply.body
    ? reply.headers['content-type']?.toString().includes('json')
      ? reply.json()
      : reply.body
    : undefined;
}

export const EXAMPLES = {
  /** Qualified French IaaS: `trusted` once CDC-IMM-03 is reviewed. */
  iaas: 'secnumcloud-iaas-fr.json',
  /** SaaS declaring `runsOn` the IaaS above: `eu-data`. */
  saas: 'saas-on-labelled-iaas.json',
} as const;

export function loadExample(name: string): Json {
  return JSON.parse(readFileSync(join(repoRoot, 'examples', name), 'utf8'));
}

let sequence = 0;
/** A unique offer id, so fixtures never collide (offer ids are global). */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomBytes(3).toString('hex')}`;
}

export type Target =
  | 'declared'
  | 'submitted'
  | 'in-review'
  /** In review with a verdict on every manual-review criterion: ready for complete-review. */
  | 'assessed'
  | 'reviewed'
  | 'granted'
  | 'refused'
  | 'withdrawn'
  | 'suspended'
  | 'revoked';

const ORDER: Target[] = ['declared', 'submitted', 'in-review', 'assessed', 'reviewed', 'granted'];

export interface BuildOptions {
  /** The declaration to start from (default: the qualified IaaS example); it is copied. */
  declaration?: Json;
  /** Edits the copy before it is saved (offer id is already unique). */
  mutate?: (declaration: Json) => void;
  /** Keep this offer id instead of a unique one (the declaration then becomes a new version). */
  offerId?: string;
  /** Level named on the application (default `trusted`). */
  targetLevel?: string;
  /** Level granted (default: the level attained after review). */
  level?: string;
  /** Verdicts recorded before complete-review, on top of a `pass` for each pending manual review. */
  verdicts?: Array<{ criterionId: string; status: 'pass' | 'fail' | 'not-applicable'; comment?: string }>;
  /** Upload one evidence file while the application is in review. */
  evidence?: boolean;
  /** For `withdrawn`: withdraw from `submitted` (default) or `in-review`. */
  withdrawFrom?: 'submitted' | 'in-review';
  /** Who plays each part (default: the builder's cast). */
  provider?: Party;
  assessor?: Party;
}

export interface Built {
  offerId: string;
  declaration: Json;
  declarationVersion: number;
  applicationId?: string;
  /** The application as last returned by the API. */
  application?: Json;
  labelId?: string;
  evidenceId?: string;
  state: Target;
}

export interface Cast {
  authority: Party;
  assessor: Party;
  provider: Party;
}

export class WorkflowBuilder {
  constructor(
    readonly client: Client,
    readonly cast: Cast,
  ) {}

  /** Saves a declaration (a new offer unless `offerId` is given) and returns it with its version. */
  async declare(options: BuildOptions = {}): Promise<Built> {
    const declaration = structuredClone(options.declaration ?? loadExample(EXAMPLES.iaas));
    declaration.offer.id = options.offerId ?? uniqueId(declaration.offer.id);
    options.mutate?.(declaration);
    const provider = options.provider ?? this.cast.provider;
    const saved = expectStatus(
      await this.client.request('POST', '/v1/declarations', { as: provider, payload: declaration }),
      201,
      'POST /v1/declarations',
    );
    return {
      offerId: declaration.offer.id,
      declaration,
      declarationVersion: saved.version,
      state: 'declared',
    };
  }

  /** Drives a fresh offer to `target`, every step through the API. */
  async build(target: Target, options: BuildOptions = {}): Promise<Built> {
    const provider = options.provider ?? this.cast.provider;
    const assessor = options.assessor ?? this.cast.assessor;
    const { authority } = this.cast;
    const built = await this.declare(options);
    if (target === 'declared') return built;

    const last: Target =
      target === 'refused'
        ? 'reviewed'
        : target === 'suspended' || target === 'revoked'
          ? 'granted'
          : target === 'withdrawn'
            ? (options.withdrawFrom ?? 'submitted')
            : target;
    const upTo = (step: Target) => ORDER.indexOf(step) <= ORDER.indexOf(last);

    const submitted = expectStatus(
      await this.client.request('POST', '/v1/applications', {
        as: provider,
        payload: { offerId: built.offerId, targetLevel: options.targetLevel ?? 'trusted' },
      }),
      201,
      'POST /v1/applications',
    );
    const id = submitted.id as string;
    Object.assign(built, { applicationId: id, application: submitted, state: 'submitted' });
    const app = `/v1/applications/${id}`;

    if (upTo('in-review')) {
      built.application = expectStatus(
        await this.client.request('POST', `${app}/assign`, {
          as: authority,
          payload: { assessorId: assessor.userId },
        }),
        200,
        `POST ${app}/assign`,
      );
      built.state = 'in-review';
      if (options.evidence) {
        const stored = expectStatus(
          await this.client.request('POST', `${app}/evidence?filename=audit-report.txt`, {
            as: provider,
            payload: `evidence for ${built.offerId}`,
            headers: { 'content-type': 'text/plain' },
          }),
          201,
          `POST ${app}/evidence`,
        );
        built.evidenceId = stored.id;
      }
    }
    if (upTo('assessed')) {
      const pending = (built.application.review.pendingReviews as string[]).filter(
        (c) => !options.verdicts?.some((v) => v.criterionId === c),
      );
      const verdicts = [
        ...pending.map((criterionId) => ({
          criterionId,
          status: 'pass' as const,
          comment: 'Checked by the assessor.',
        })),
        ...(options.verdicts ?? []),
      ];
      if (verdicts.length > 0) {
        built.application = expectStatus(
          await this.client.request('POST', `${app}/verdicts`, { as: assessor, payload: { verdicts } }),
          200,
          `POST ${app}/verdicts`,
        );
      }
      built.state = 'assessed';
    }
    if (upTo('reviewed')) {
      built.application = expectStatus(
        await this.client.request('POST', `${app}/complete-review`, { as: assessor }),
        200,
        `POST ${app}/complete-review`,
      );
      built.state = 'reviewed';
    }
    if (upTo('granted')) {
      const level = options.level ?? built.application.review.level;
      assert.ok(
        level,
        `no level attained after review of ${built.offerId}: ${JSON.stringify(built.application.review)}`,
      );
      const decided = expectStatus(
        await this.client.request('POST', `${app}/decision`, {
          as: authority,
          payload: { outcome: 'grant', level },
        }),
        200,
        `POST ${app}/decision`,
      );
      built.application = decided.application;
      built.labelId = decided.labelId;
      built.state = 'granted';
    }
    if (target === 'refused') {
      const decided = expectStatus(
        await this.client.request('POST', `${app}/decision`, {
          as: authority,
          payload: { outcome: 'refuse', reasons: 'The offer does not meet the level it applied for.' },
        }),
        200,
        `POST ${app}/decision`,
      );
      built.application = decided.application;
      built.state = 'refused';
    }
    if (target === 'withdrawn') {
      built.application = expectStatus(
        await this.client.request('POST', `${app}/withdraw`, { as: provider }),
        200,
        `POST ${app}/withdraw`,
      );
      built.state = 'withdrawn';
    }
    if (target === 'suspended' || target === 'revoked') {
      const action = target === 'suspended' ? 'suspend' : 'revoke';
      expectStatus(
        await this.client.request('POST', `/v1/labels/${built.labelId}/${action}`, {
          as: authority,
          payload: { reason: `Fixture: ${action}.` },
        }),
        200,
        `POST /v1/labels/:id/${action}`,
      );
      built.state = target;
    }
    return built;
  }
}

/** Another API token for an existing party's user, e.g. a read-only one (`scopes: ['read']`). */
export async function tokenFor(ctx: Context, party: Party, scopes: Array<'read' | 'write'>): Promise<Party> {
  const created = await createApiToken(
    ctx,
    { ...party.actor, via: 'password', scopes: ['read', 'write'] },
    { name: `${scopes.join('+')} token`, scopes },
  );
  return { ...party, token: created.token, actor: { ...party.actor, scopes } };
}

/** Every route the server registered, as `METHOD /path`, from Fastify's own route tree (HEAD twins of GETs left out). */
export function registeredRoutes(app: FastifyInstance): string[] {
  const text = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes = new Set<string>();
  const heads: string[] = [];
  for (const line of text.split('\n')) {
    const start = line.search(/[^│├└─\s]/u);
    if (start < 0) continue;
    const depth = Math.max(1, Math.round(start / 4));
    const m = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(start));
    if (!m) continue;
    stack.length = depth - 1;
    stack.push(m[1]!);
    const path = stack.join('');
    for (const method of (m[2] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method === 'HEAD') heads.push(path);
      else routes.add(`${method} ${path}`);
    }
  }
  for (const path of heads) if (!routes.has(`GET ${path}`)) routes.add(`HEAD ${path}`);
  return [...routes].sort();
}
