/**
 * Two server processes on one database, hammered in parallel: nothing may live only in one process's
 * memory. Status-list index allocation, log appends and workflow transitions are database transactions
 * with locks, so across processes:
 *   (a) 40 issuances and state changes give distinct status indexes, a gap-free log whose every checkpoint
 *       is signed, matches the leaves and is consistent with the next;
 *   (b) one application decided by both processes at once is decided once: one 200, one 409, one label;
 *   (c) 20 concurrent suspend/reinstate flips on one label leave it in the state its last log entry says.
 * On PostgreSQL (skipped when it is not reachable, a failure in CI), and (a)–(c) again on one SQLite file
 * shared by two processes (WAL + busy_timeout), which must also come out uncorrupted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { FileKeyProvider, StatusBitstring } from '../../src/credentials/index.js';
import {
  auditLog,
  checkConsistency,
  consistencyProofFromLeaves,
  leafHash,
  parseCheckpoint,
} from '../../src/ledger/index.js';
import { readStatusList } from '../../src/store/status-repository.js';
import { actorFor, createApiToken, createOrganisation, createUser } from '../../src/workflow/accounts.js';
import { createContext } from '../../src/workflow/bootstrap.js';
import type { Context } from '../../src/workflow/context.js';
import { logVerifierKeys } from '../../src/workflow/publication.js';
import { type ChildServer, startChildServer } from '../helpers/child-server.js';
import { createPostgresDatabase, type Party, PG_ADMIN_URL, postgresAvailable } from '../helpers/service.js';
import {
  type Built,
  type Client,
  expectStatus,
  fetchClient,
  type Reply,
  WorkflowBuilder,
} from '../helpers/workflow.js';

const ORIGIN = 'label.test/log';

/** A party made straight in the database (no password: nothing to hash), with a full API token. */
async function party(
  ctx: Context,
  kind: 'provider' | 'assessor' | 'authority',
  name: string,
): Promise<Party> {
  const org = await createOrganisation(ctx, 'test', { name, kind, country: 'FR' });
  const email = `${kind}-${randomBytes(4).toString('hex')}@example.test`;
  const user = await createUser(ctx, 'test', { organisationId: org.id, email, displayName: name });
  const token = await createApiToken(ctx, actorFor(user, 'password'), {
    name: 'test',
    scopes: ['read', 'write'],
  });
  return {
    actor: actorFor(user, 'token'),
    organisationId: org.id,
    userId: user.id,
    token: token.token,
    email,
  };
}

interface Cluster {
  servers: ChildServer[];
  clients: Client[];
  builders: WorkflowBuilder[];
  authority: Party;
  /** The test's own view of the database (reads and checks only, once the servers are up). */
  ctx: Context;
  /** What the servers wrote on stderr (their unexpected errors). */
  logs(): string;
  close(): Promise<void>;
}

async function startCluster(engine: 'postgres' | 'sqlite'): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), `confiance-cluster-${engine}-`));
  const keysDir = join(dir, 'keys');
  // One set of issuer keys, written once, read by every process.
  await FileKeyProvider.open(keysDir, new Date());
  const database = engine === 'postgres' ? await createPostgresDatabase() : undefined;
  const databaseUrl = database?.url ?? join(dir, 'confiance.db');
  const env = {
    DATABASE_URL: databaseUrl,
    CONFIANCE_KEYS_DIR: keysDir,
    CONFIANCE_DATA_DIR: dir,
    CONFIANCE_EVIDENCE_DIR: join(dir, 'evidence'),
    CONFIANCE_PUBLIC_URL: 'https://label.test',
    CONFIANCE_LOG_ORIGIN: ORIGIN,
    CONFIANCE_SEED_EXAMPLES: 'false',
    CONFIANCE_RATE_LIMIT_ANONYMOUS: '100000',
    CONFIANCE_RATE_LIMIT_LOGIN: '100000',
    CONFIANCE_CONFIG: '',
  };
  // Both start at once on the fresh database, as replicas behind a load balancer would.
  const started = await Promise.allSettled([startChildServer(env), startChildServer(env)]);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const cleanup = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await cleanup();
    throw (failed as PromiseRejectedResult).reason;
  }
  const ctx = await createContext(
    loadConfig(
      {},
      {
        databaseUrl,
        keysDir,
        dataDir: dir,
        evidenceDir: join(dir, 'evidence'),
        publicUrl: 'https://label.test',
        logOrigin: ORIGIN,
      },
    ),
  );
  const authority = await party(ctx, 'authority', 'Autorité du label');
  const assessor = await party(ctx, 'assessor', 'Assessor');
  const provider = await party(ctx, 'provider', '3DS Outscale SAS');
  const clients = servers.map((s) => fetchClient(s.url));
  return {
    servers,
    clients,
    builders: clients.map((c) => new WorkflowBuilder(c, { authority, assessor, provider })),
    authority,
    ctx,
    logs: () => servers.map((s, i) => `server ${i + 1} stderr:\n${s.stderr().slice(-4000)}`).join('\n'),
    async close() {
      await ctx.store.close();
      await cleanup();
    },
  };
}

/**
 * Builds `n` fixtures through both servers, a few at a time: the preparation itself writes declarations,
 * applications and reviews concurrently through both processes. A failure shows what the servers logged.
 */
async function buildMany(
  cluster: Cluster,
  n: number,
  target: 'reviewed' | 'granted',
  parallel = 4,
): Promise<Built[]> {
  const built: Built[] = [];
  try {
    for (let i = 0; i < n; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, n - i) }, (_, j) =>
        cluster.builders[(i + j) % 2]!.build(target),
      );
      built.push(...(await Promise.all(batch)));
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${cluster.logs()}`);
  }
  return built;
}

/** The log as stored: leaves in order (checked against their hashes), checkpoints by size. */
async function readLog(ctx: Context) {
  const leaves = await ctx.store.db
    .selectFrom('log_leaves')
    .select(['idx', 'leaf_hash', 'entry'])
    .orderBy('idx')
    .execute();
  const checkpoints = await ctx.store.db
    .selectFrom('checkpoints')
    .select(['size', 'note'])
    .orderBy('size')
    .execute();
  const head = await ctx.store.db.selectFrom('log_head').select('size').executeTakeFirstOrThrow();
  return {
    head: Number(head.size),
    leaves: leaves.map((l) => ({
      index: Number(l.idx),
      hash: l.leaf_hash,
      bytes: new Uint8Array(Buffer.from(l.entry, 'utf8')),
      entry: JSON.parse(l.entry),
    })),
    checkpoints: checkpoints.map((c) => ({ size: Number(c.size), note: c.note })),
  };
}

/** Gap-free, duplicate-free leaves; every checkpoint signed, matching the leaves, consistent with the next. */
async function checkLog(ctx: Context) {
  const log = await readLog(ctx);
  assert.deepEqual(
    log.leaves.map((l) => l.index),
    Array.from({ length: log.leaves.length }, (_, i) => i),
    'leaf indexes are contiguous from 0',
  );
  assert.equal(log.head, log.leaves.length, 'the log head counts every leaf');
  const hashes = log.leaves.map((l) => leafHash(l.bytes));
  for (const [i, l] of log.leaves.entries()) {
    assert.equal(Buffer.from(hashes[i]!).toString('hex'), l.hash, `leaf ${i} hash`);
  }
  assert.equal(new Set(log.leaves.map((l) => l.hash)).size, log.leaves.length, 'no leaf is appended twice');
  assert.equal(log.checkpoints.at(-1)?.size, log.leaves.length, 'the latest checkpoint covers the whole log');

  const audit = await auditLog({
    leaves: log.leaves.map((l) => l.bytes),
    checkpoints: log.checkpoints.map((c) => c.note),
    verifierKeys: logVerifierKeys(ctx),
    origin: ORIGIN,
  });
  assert.ok(audit.ok, `log audit: ${audit.ok ? '' : audit.message}`);
  assert.equal(audit.size, log.leaves.length);

  const parsed = log.checkpoints.map((c) => parseCheckpoint(c.note));
  for (let i = 0; i + 1 < parsed.length; i++) {
    const [a, b] = [parsed[i]!, parsed[i + 1]!];
    const proof = consistencyProofFromLeaves(a.size, hashes.slice(0, b.size));
    const check = checkConsistency(a.size, b.size, proof, a.root, b.root);
    assert.ok(check.ok, `checkpoint ${a.size} → ${b.size}: ${check.ok ? '' : check.message}`);
  }
  return log;
}

async function statusBit(ctx: Context, list: string, index: number): Promise<boolean> {
  const row = await readStatusList(ctx.store.db, list);
  assert.ok(row, `status list ${list}`);
  return new StatusBitstring(new Uint8Array(Buffer.from(row.bits, 'base64'))).get(index);
}

function describeReplies(cluster: Cluster, replies: Reply[]): string {
  return `${replies.map((r) => `${r.statusCode} ${r.body.slice(0, 120)}`).join('\n')}\n${cluster.logs()}`;
}

function clusterSuite(engine: 'postgres' | 'sqlite') {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(engine);
  });
  after(() => cluster?.close());

  const serverFor = (i: number) => cluster.clients[i % 2]!;

  it('writes declarations, applications, reviews and decisions through both processes at once without a failure', async () => {
    const built = await buildMany(cluster, 8, 'granted', 8);
    assert.equal(new Set(built.map((b) => b.labelId)).size, 8);
    await checkLog(cluster.ctx);
  });

  it('(a) 40 issuances and state changes across both processes: distinct status indexes, a gap-free, consistent log', async () => {
    const { authority, ctx } = cluster;
    const reviewed = await buildMany(cluster, 20, 'reviewed');
    const granted = await buildMany(cluster, 20, 'granted');
    const sizeBefore = (await readLog(ctx)).leaves.length;

    const operations = [
      ...reviewed.map((b) => ({
        url: `/v1/applications/${b.applicationId}/decision`,
        payload: { outcome: 'grant', level: 'trusted' },
      })),
      ...granted.map((b, i) => ({
        url: `/v1/labels/${b.labelId}/${i % 2 ? 'revoke' : 'suspend'}`,
        payload: { reason: 'storm' },
      })),
    ];
    // Interleave issuances and state changes, and split them across the two processes.
    const order = operations.map((_, i) => (i % 2 ? 20 + (i >> 1) : i >> 1));
    const replies = await Promise.all(
      order.map((k, i) =>
        serverFor(i).request('POST', operations[k]!.url, { as: authority, payload: operations[k]!.payload }),
      ),
    );
    assert.deepEqual(
      replies.map((r) => r.statusCode),
      replies.map(() => 200),
      describeReplies(
        cluster,
        replies.filter((r) => r.statusCode !== 200),
      ),
    );

    const labels = await ctx.store.db.selectFrom('labels').selectAll().execute();
    assert.equal(
      labels.filter((l) => [...reviewed, ...granted].some((b) => b.offerId === l.offer_id)).length,
      40,
    );
    for (const purpose of ['revocation', 'suspension'] as const) {
      const positions = labels.map((l) => `${l[`${purpose}_list`]}#${Number(l[`${purpose}_index`])}`);
      assert.equal(new Set(positions).size, labels.length, `${purpose} indexes are distinct per list`);
    }

    const log = await checkLog(ctx);
    assert.equal(log.leaves.length, sizeBefore + 40, 'one leaf per operation, none lost, none doubled');
    for (const label of labels) {
      const issued = log.leaves.filter(
        (l) => l.entry.type === 'label.issued' && l.entry.subject === `urn:uuid:${label.id}`,
      );
      assert.deepEqual(
        issued.map((l) => l.index),
        [Number(label.log_index)],
        `label ${label.id} has one issuance leaf, where it says`,
      );
    }

    // Each label's state, its status bits and its last log entry agree.
    const suspendedIds = new Set(granted.filter((_, i) => i % 2 === 0).map((b) => b.labelId));
    const revokedIds = new Set(granted.filter((_, i) => i % 2 === 1).map((b) => b.labelId));
    for (const label of labels) {
      const expected = suspendedIds.has(label.id)
        ? 'suspended'
        : revokedIds.has(label.id)
          ? 'revoked'
          : 'active';
      assert.equal(label.state, expected, label.id);
      assert.equal(
        await statusBit(ctx, label.suspension_list, Number(label.suspension_index)),
        expected === 'suspended',
      );
      assert.equal(
        await statusBit(ctx, label.revocation_list, Number(label.revocation_index)),
        expected === 'revoked',
      );
      const last = log.leaves.filter((l) => l.entry.subject === `urn:uuid:${label.id}`).at(-1)!;
      assert.equal(
        last.entry.type,
        { active: 'label.issued', suspended: 'label.suspended', revoked: 'label.revoked' }[expected],
      );
    }
  });

  it('(b) one application decided by both processes at once is decided once: one 200, one 409, one label', async () => {
    const { authority, ctx } = cluster;
    const reviewed = await buildMany(cluster, 6, 'reviewed');
    const pairs = await Promise.all(
      reviewed.map((b) =>
        Promise.all(
          cluster.clients.map((client) =>
            client.request('POST', `/v1/applications/${b.applicationId}/decision`, {
              as: authority,
              payload: { outcome: 'grant', level: 'trusted' },
            }),
          ),
        ),
      ),
    );
    for (const [i, pair] of pairs.entries()) {
      assert.deepEqual(pair.map((r) => r.statusCode).sort(), [200, 409], describeReplies(cluster, pair));
      const loser = pair.find((r) => r.statusCode === 409)!;
      assert.equal(loser.json().error, 'conflict');
      const labels = await ctx.store.db
        .selectFrom('labels')
        .select('id')
        .where('application_id', '=', reviewed[i]!.applicationId!)
        .execute();
      assert.deepEqual(
        labels.map((l) => l.id),
        [pair.find((r) => r.statusCode === 200)!.json().labelId],
      );
      const decisions = await ctx.store.db
        .selectFrom('decisions')
        .select('outcome')
        .where('application_id', '=', reviewed[i]!.applicationId!)
        .execute();
      assert.equal(decisions.length, 1);
    }
    await checkLog(ctx);
  });

  it('(c) 20 concurrent suspend/reinstate flips on one label end in the state its last log entry says', async () => {
    const { authority, ctx } = cluster;
    const built = await cluster.builders[0]!.build('granted');
    const subject = `urn:uuid:${built.labelId}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        serverFor(i >> 1).request('POST', `/v1/labels/${built.labelId}/${i % 2 ? 'reinstate' : 'suspend'}`, {
          as: authority,
          payload: { reason: `flip ${i}` },
        }),
      ),
    );
    const statuses = replies.map((r) => r.statusCode);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      describeReplies(
        cluster,
        replies.filter((r) => r.statusCode !== 200 && r.statusCode !== 409),
      ),
    );
    const successes = replies.filter((r) => r.statusCode === 200);
    assert.ok(successes.length >= 1);
    // Every success saw a different version: the flips were serialised.
    assert.deepEqual(
      successes.map((r) => r.json().version).sort((x: number, y: number) => x - y),
      Array.from({ length: successes.length }, (_, i) => i + 2),
    );

    const log = await checkLog(ctx);
    const entries = log.leaves.filter((l) => l.entry.subject === subject).map((l) => l.entry.type);
    assert.equal(entries[0], 'label.issued');
    const flips = entries.slice(1);
    assert.equal(flips.length, successes.length, 'one log entry per successful flip');
    for (const [i, type] of flips.entries()) {
      assert.equal(type, i % 2 ? 'label.reinstated' : 'label.suspended', `flip ${i} in log order`);
    }

    const expected = flips.at(-1) === 'label.suspended' ? 'suspended' : 'active';
    const label = await ctx.store.db
      .selectFrom('labels')
      .selectAll()
      .where('id', '=', built.labelId!)
      .executeTakeFirstOrThrow();
    assert.equal(label.state, expected);
    assert.equal(Number(label.row_version), 1 + successes.length);
    assert.equal(
      await statusBit(ctx, label.suspension_list, Number(label.suspension_index)),
      expected === 'suspended',
    );
    const presented = expectStatus(
      await cluster.clients[1]!.request('GET', `/v1/labels/${built.labelId}`),
      200,
      'GET label',
    );
    assert.equal(presented.state, expected);
    const audit = await ctx.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', built.labelId!)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['label.issued', ...flips],
      'the audit trail records the same flips, in the same order',
    );
  });

  if (engine === 'sqlite') {
    it('leaves the SQLite file uncorrupted', async () => {
      const file = cluster.ctx.config.databaseUrl;
      await Promise.all(cluster.servers.map((s) => s.stop()));
      await cluster.ctx.store.close();
      const db = new SQLite(file, { readonly: true });
      try {
        assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
        assert.deepEqual(db.pragma('foreign_key_check'), []);
      } finally {
        db.close();
      }
      cluster.ctx.store.close = async () => {};
    });
  }
}

const pgReachable = await postgresAvailable();
if (!pgReachable && process.env.CI) throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} in CI`);

describe(
  'two server processes on one PostgreSQL database',
  pgReachable
    ? {}
    : { skip: `PostgreSQL is not reachable at ${PG_ADMIN_URL}: start it to run the concurrency tests` },
  () => clusterSuite('postgres'),
);

describe('two server processes on one SQLite file (WAL + busy_timeout)', () => clusterSuite('sqlite'));
