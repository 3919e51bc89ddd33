/**
 * A real service for integration tests: a fresh SQLite file or a fresh PostgreSQL database, real keys in
 * a temp directory, the real Fastify server driven with inject() (or listening, when a test needs a socket).
 * `DATABASES` lists the engines to run against: SQLite always, PostgreSQL when 127.0.0.1:5432 answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildServer, type ServerOptions } from '../../src/api/server.js';
import { type Config, loadConfig } from '../../src/config.js';
import { MemoryKeyProvider } from '../../src/credentials/index.js';
import { actorFor, createOrganisation, createUser } from '../../src/workflow/accounts.js';
import { createContext } from '../../src/workflow/bootstrap.js';
import type { Actor, Context } from '../../src/workflow/context.js';

export const PG_ADMIN_URL = process.env.CONFIANCE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: Promise<boolean> | undefined;
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

export type Engine = 'sqlite' | 'postgres';

/** Engines to run a suite against; CI has PostgreSQL, and a missing one is a failure there, not a skip. */
export async function engines(): Promise<Engine[]> {
  if (await postgresAvailable()) return ['sqlite', 'postgres'];
  if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} in CI`);
  return ['sqlite'];
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `confiance_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestService {
  engine: Engine;
  ctx: Context;
  app: FastifyInstance;
  dir: string;
  config: Config;
  /** Advances the service clock (for validity, grace periods). */
  clock: { now: Date; advanceDays(days: number): void };
  close(): Promise<void>;
}

export async function startService(
  engine: Engine,
  overrides: Partial<Config> = {},
  options: { fileKeys?: boolean; server?: (ctx: Context) => ServerOptions } = {},
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'confiance-svc-'));
  const database = engine === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig(
    {},
    {
      dataDir: dir,
      databaseUrl: database?.url ?? join(dir, 'confiance.db'),
      keysDir: join(dir, 'keys'),
      evidenceDir: join(dir, 'evidence'),
      publicUrl: 'https://label.test',
      logOrigin: 'label.test/log',
      seedExamples: false,
      rateLimitAnonymous: 100_000,
      rateLimitLogin: 100_000,
      ...overrides,
    },
  );
  const clock = {
    now: new Date('2026-11-29T10:00:00.000Z'),
    advanceDays(days: number) {
      this.now = new Date(this.now.getTime() + days * 86_400_000);
    },
  };
  // File keys when a test runs the CLI against the same data directory; memory keys are faster otherwise.
  const keys = options.fileKeys ? undefined : await MemoryKeyProvider.create(clock.now);
  const ctx = await createContext(config, { ...(keys ? { keys } : {}), clock: () => clock.now });
  const app = await buildServer(ctx, options.server?.(ctx));
  await app.ready();
  return {
    engine,
    ctx,
    app,
    dir,
    config,
    clock,
    async close() {
      await app.close();
      await ctx.store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Party {
  actor: Actor;
  organisationId: string;
  userId: string;
  /** A write+read API token for `Authorization: Bearer`. */
  token: string;
  email: string;
}

/** Creates an organisation of the given kind, a user in it and an API token for that user. */
export async function createParty(
  svc: TestService,
  kind: 'provider' | 'assessor' | 'authority',
  name = `${kind} ${randomBytes(3).toString('hex')}`,
  scopes: Array<'read' | 'write'> = ['read', 'write'],
): Promise<Party> {
  const org = await createOrganisation(svc.ctx, 'test', { name, kind, country: 'FR' });
  const email = `${kind}-${randomBytes(4).toString('hex')}@example.test`;
  const user = await createUser(svc.ctx, 'test', {
    organisationId: org.id,
    email,
    displayName: name,
    password: 'correct horse battery staple',
  });
  const { createApiToken } = await import('../../src/workflow/accounts.js');
  const token = await createApiToken(svc.ctx, actorFor(user, 'password'), { name: 'test', scopes });
  return {
    actor: actorFor(user, 'token', scopes),
    organisationId: org.id,
    userId: user.id,
    token: token.token,
    email,
  };
}

export function auth(party: Party | undefined): Record<string, string> {
  return party ? { authorization: `Bearer ${party.token}` } : {};
}
