/**
 * The transparency log stored in the database: leaves, the hashes of complete subtrees (so proofs read
 * O(log n) rows) and signed checkpoints. Appends happen inside the caller's transaction, after taking the
 * log head's row lock, so several server processes append without gaps or forks.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import {
  assembleProof,
  borderNodes,
  consistencyPlan,
  encodeEntry,
  Frontier,
  inclusionPlan,
  type LedgerEntry,
  leafHash,
  type NodeId,
  type NoteSigner,
  rootFromBorder,
  type StoredNode,
  signCheckpoint,
} from '../ledger/index.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

const LEAF_ROWS_PER_INSERT = 2000;
const NODE_ROWS_PER_INSERT = 3000;

export interface AppendedLeaf {
  index: number;
  leafHash: string;
  entry: LedgerEntry;
}

/** Takes the log's write lock for the rest of the transaction and returns the current size. */
export async function lockLogHead(trx: Transaction<Database>, dialect: Dialect): Promise<number> {
  if (dialect === 'postgres') {
    const row = await trx
      .selectFrom('log_head')
      .select('size')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return Number(row.size);
  }
  // SQLite has one writer at a time; writing first turns the transaction into the writer at once,
  // instead of failing later when a read lock must be upgraded.
  await trx
    .updateTable('log_head')
    .set({ size: (eb) => eb.ref('size') })
    .where('id', '=', 1)
    .execute();
  const row = await trx.selectFrom('log_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.size);
}

export async function readNodes(db: Db, ids: readonly NodeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('log_nodes')
    .select(['level', 'idx', 'hash'])
    .where((eb) => eb.or(ids.map((id) => eb.and([eb('level', '=', id.level), eb('idx', '=', id.index)]))))
    .execute();
  const byKey = new Map(rows.map((r) => [`${r.level}:${Number(r.idx)}`, r.hash]));
  return ids.map((id) => {
    const hash = byKey.get(`${id.level}:${id.index}`);
    if (!hash) throw new Error(`log node (${id.level}, ${id.index}) is missing from the database`);
    return unhex(hash);
  });
}

/** Appends entries at the end of the log; the caller holds the lock (lockLogHead) and commits. */
export async function appendEntries(
  trx: Transaction<Database>,
  dialect: Dialect,
  size: number,
  entries: readonly LedgerEntry[],
): Promise<{ appended: AppendedLeaf[]; root: Uint8Array }> {
  const frontier = Frontier.fromBorder(size, await readNodes(trx, borderNodes(size)));
  const nodes: StoredNode[] = [];
  const leaves: Array<{ idx: number; leaf_hash: string; entry: string; created_at: string }> = [];
  const appended: AppendedLeaf[] = [];
  for (const entry of entries) {
    const bytes = encodeEntry(entry);
    const hash = leafHash(bytes);
    const index = frontier.size;
    frontier.append(hash, (node) => nodes.push(node));
    leaves.push({
      idx: index,
      leaf_hash: hex(hash),
      entry: Buffer.from(bytes).toString('utf8'),
      created_at: entry.at,
    });
    appended.push({ index, leafHash: hex(hash), entry });
  }
  const nodeRows = nodes.map((n) => ({ level: n.level, idx: n.index, hash: hex(n.hash) }));
  if (dialect === 'postgres') {
    // PostgreSQL plans a 4,000-parameter INSERT slowly; four array parameters unnested insert the same
    // rows in one short statement.
    await sql`insert into log_leaves (idx, leaf_hash, entry, created_at)
      select * from unnest(${leaves.map((l) => l.idx)}::bigint[], ${leaves.map((l) => l.leaf_hash)}::text[],
        ${leaves.map((l) => l.entry)}::text[], ${leaves.map((l) => l.created_at)}::text[])`.execute(trx);
    await sql`insert into log_nodes (level, idx, hash)
      select * from unnest(${nodeRows.map((n) => n.level)}::int[], ${nodeRows.map((n) => n.idx)}::bigint[],
        ${nodeRows.map((n) => n.hash)}::text[])`.execute(trx);
  } else {
    // Few large statements: statement preparation dominates a batch's cost. Chunks stay under SQLite's
    // 32,766 bound parameters per statement.
    for (let i = 0; i < leaves.length; i += LEAF_ROWS_PER_INSERT) {
      await trx
        .insertInto('log_leaves')
        .values(leaves.slice(i, i + LEAF_ROWS_PER_INSERT))
        .execute();
    }
    for (let i = 0; i < nodeRows.length; i += NODE_ROWS_PER_INSERT) {
      await trx
        .insertInto('log_nodes')
        .values(nodeRows.slice(i, i + NODE_ROWS_PER_INSERT))
        .execute();
    }
  }
  await trx.updateTable('log_head').set({ size: frontier.size }).where('id', '=', 1).execute();
  return { appended, root: frontier.root() };
}

export async function treeRoot(db: Db, size: number): Promise<Uint8Array> {
  return rootFromBorder(await readNodes(db, borderNodes(size)));
}

/** Signs and stores a checkpoint for the log's current size (inside the appending transaction). */
export async function writeCheckpoint(
  trx: Transaction<Database>,
  size: number,
  origin: string,
  signer: NoteSigner,
  now: Date,
  knownRoot?: Uint8Array,
): Promise<string> {
  const root = knownRoot ?? (await treeRoot(trx, size));
  const note = await signCheckpoint({ origin, size, root }, signer);
  await trx
    .insertInto('checkpoints')
    .values({ size, root: hex(root), note, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('size').doNothing())
    .execute();
  return note;
}

export async function latestCheckpoint(db: Db): Promise<{ size: number; note: string } | undefined> {
  const row = await db
    .selectFrom('checkpoints')
    .select(['size', 'note'])
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { size: Number(row.size), note: row.note } : undefined;
}

export async function logSize(db: Db): Promise<number> {
  const row = await db.selectFrom('log_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.size);
}

export async function inclusionProof(db: Db, index: number, size: number): Promise<Uint8Array[]> {
  const plan = inclusionPlan(index, size);
  return assembleProof(plan, await readNodes(db, plan.nodes));
}

export async function consistencyProof(db: Db, size1: number, size2: number): Promise<Uint8Array[]> {
  const plan = consistencyPlan(size1, size2);
  return assembleProof(plan, await readNodes(db, plan.nodes));
}

export async function readLeaves(db: Db, start: number, end: number) {
  const rows = await db
    .selectFrom('log_leaves')
    .select(['idx', 'leaf_hash', 'entry'])
    .where('idx', '>=', start)
    .where('idx', '<', end)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({ index: Number(r.idx), leafHash: r.leaf_hash, entry: r.entry }));
}

export async function findLeafByHash(db: Db, hash: string) {
  const row = await db
    .selectFrom('log_leaves')
    .select(['idx', 'entry'])
    .where('leaf_hash', '=', hash)
    .executeTakeFirst();
  return row ? { index: Number(row.idx), entry: row.entry } : undefined;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
