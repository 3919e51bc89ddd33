/**
 * Opening the database: SQLite (better-sqlite3, WAL) by default under ./data/, PostgreSQL when a
 * `postgres://` URL is given. Migrations run on open, so a new deployment needs no extra step.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import { type Dialect, migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

// PostgreSQL returns BIGINT as strings to protect values beyond 2^53; our BIGINTs are log indexes and ids
// that stay far below, so numbers are what the code expects on both engines.
pg.types.setTypeParser(20, (value: string) => Number(value));

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * SQLite files only: a second, read-only connection for the hottest public point reads (the live state
   * of a label on every verification). It reads committed data only — never a write transaction in
   * progress on the main connection — synchronously, without queueing behind Kysely's connection lock.
   */
  readCommitted?: <Row>(sql: string, parameters: readonly unknown[]) => Row | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path, or `:memory:`. */
  url: string;
  /** Largest number of pooled PostgreSQL connections. */
  poolSize?: number;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const isPostgres = /^postgres(ql)?:\/\//.test(options.url);
  let db: Kysely<Database>;
  let reader: SQLite.Database | undefined;
  if (isPostgres) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle pooled connection closed by the server (restart, failover, administrator) emits 'error' on
    // the pool; unhandled, it would crash the process. The pool drops that client and the next query
    // opens a fresh connection or reports the outage to its caller.
    pool.on('error', () => {});
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    if (options.url !== ':memory:') mkdirSync(dirname(options.url), { recursive: true });
    const sqlite = new SQLite(options.url);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Several processes may share the file: wait for the writer instead of failing at once.
    sqlite.pragma('busy_timeout = 10000');
    db = new Kysely<Database>({
      dialect: new MultiProcessSqliteDialect({ database: withStatementCache(sqlite) }),
    });
  }
  const dialect: Dialect = isPostgres ? 'postgres' : 'sqlite';
  await migrate(db, dialect);
  // Opened after migrating, so that the file and its tables exist. An in-memory database cannot be
  // shared by two connections: it keeps to Kysely.
  if (!isPostgres && options.url !== ':memory:') {
    reader = new SQLite(options.url, { readonly: true });
    reader.pragma('busy_timeout = 10000');
  }
  const statements = reader ? withStatementCache(reader) : undefined;
  return {
    db,
    dialect,
    ...(statements
      ? {
          readCommitted: <Row>(sql: string, parameters: readonly unknown[]) =>
            (statements.prepare(sql) as unknown as SQLite.Statement).get(...parameters) as Row | undefined,
        }
      : {}),
    close: async () => {
      statements?.close();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs as much as running a point read;
 * on hot public routes (verification, status) it was a tenth of the request. better-sqlite3 has no
 * statement cache of its own, so this keeps the most recently used statements by SQL text. A statement
 * still being iterated (`busy`) is never handed out twice; SQLite re-prepares cached statements itself
 * after a schema change.
 */
export function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Map order is insertion order: re-inserting marks the statement as the most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Kysely runs SQLite migrations with neither a transaction nor a lock (it assumes one process). Several
 * processes may open the same new file together: each migration run takes SQLite's write lock first
 * (BEGIN IMMEDIATE waits for the other writer), before the migrator reads which migrations have run, so
 * the processes migrate one after the other instead of creating the same tables twice.
 */
class LockedMigrationsSqliteAdapter extends SqliteAdapter {
  #locked = false;
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin immediate`.execute(db);
    this.#locked = true;
  }
  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    await sql`commit`.execute(db);
  }
}

/**
 * Every transaction starts as the writer (BEGIN IMMEDIATE), waiting up to busy_timeout for another
 * process's writer. A plain BEGIN reads first and fails at once with SQLITE_BUSY when another process
 * wrote in between and it then tries to write: with two processes on one file, concurrent declarations
 * and applications answered 500.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class MultiProcessSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new LockedMigrationsSqliteAdapter();
  }
}

export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 'confiance_migrations',
    migrationLockTableName: 'confiance_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`,
    );
  }
}
