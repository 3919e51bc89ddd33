/**
 * Status lists in the database. Index allocation and bit flips lock the list's row, so two server
 * processes never hand out the same index and a flip commits with the state change that caused it.
 */
import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { StatusBitstring } from '../credentials/index.js';
import type { Dialect } from './migrations.js';
import type { Database, StatusListTable } from './schema.js';

export type StatusPurpose = 'revocation' | 'suspension';

/** Entries per list: the Bitstring Status List minimum, which gives herd privacy. */
export const STATUS_LIST_CAPACITY = 131_072;

const listId = (purpose: StatusPurpose, n: number) => `${purpose === 'revocation' ? 'rev' : 'sus'}-${n}`;

async function lockedOpenList(
  trx: Transaction<Database>,
  dialect: Dialect,
  purpose: StatusPurpose,
): Promise<StatusListTable | undefined> {
  let query = trx
    .selectFrom('status_lists')
    .selectAll()
    .where('purpose', '=', purpose)
    .where((eb) => eb('next_index', '<', eb.ref('capacity')))
    .orderBy('id')
    .limit(1);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Hands out the next free index of the open list for `purpose`, opening a new list when the last is full.
 * The spec advises random positions so that an index does not reveal issuance order: the n-th label gets
 * (a·n + b) mod capacity with a secret odd `a` and `b` per list — a permutation of a power-of-two range, so
 * positions look scattered and never collide.
 */
export async function allocateStatusIndex(
  trx: Transaction<Database>,
  dialect: Dialect,
  purpose: StatusPurpose,
  now: Date,
): Promise<{ list: string; index: number }> {
  if (dialect === 'sqlite') {
    // Become the writer before reading, as in lockLogHead.
    await trx
      .updateTable('status_lists')
      .set({ version: (eb) => eb.ref('version') })
      .where('purpose', '=', purpose)
      .execute();
  }
  let list = await lockedOpenList(trx, dialect, purpose);
  if (!list) {
    const count = await trx
      .selectFrom('status_lists')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('purpose', '=', purpose)
      .executeTakeFirstOrThrow();
    const id = listId(purpose, Number(count.n) + 1);
    const fresh: StatusListTable = {
      id,
      purpose,
      capacity: STATUS_LIST_CAPACITY,
      next_index: 0,
      perm_a: randomInt(0, STATUS_LIST_CAPACITY / 2) * 2 + 1,
      perm_b: randomInt(0, STATUS_LIST_CAPACITY),
      bits: Buffer.from(new StatusBitstring(STATUS_LIST_CAPACITY).toBytes()).toString('base64'),
      version: 1,
      updated_at: now.toISOString(),
    };
    // Two processes may race to open the same list; the primary key lets exactly one win.
    await trx
      .insertInto('status_lists')
      .values(fresh)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    list = await lockedOpenList(trx, dialect, purpose);
    if (!list) throw new Error(`could not open a ${purpose} status list`);
  }
  const n = Number(list.next_index);
  await trx
    .updateTable('status_lists')
    .set({ next_index: n + 1 })
    .where('id', '=', list.id)
    .where('next_index', '=', n)
    .execute();
  const capacity = Number(list.capacity);
  // BigInt: a·n can exceed 2^53 for large lists.
  const index = Number((BigInt(list.perm_a) * BigInt(n) + BigInt(list.perm_b)) % BigInt(capacity));
  return { list: list.id, index };
}

/** Sets or clears one bit, in the caller's transaction. */
export async function setStatusBit(
  trx: Transaction<Database>,
  dialect: Dialect,
  list: string,
  index: number,
  value: boolean,
  now: Date,
): Promise<void> {
  let query = trx.selectFrom('status_lists').select(['bits', 'version']).where('id', '=', list);
  if (dialect === 'postgres') query = query.forUpdate();
  else
    await trx
      .updateTable('status_lists')
      .set({ version: (eb) => eb.ref('version') })
      .where('id', '=', list)
      .execute();
  const row = await query.executeTakeFirstOrThrow();
  const bits = new StatusBitstring(new Uint8Array(Buffer.from(row.bits, 'base64')));
  if (bits.get(index) === value) return;
  bits.set(index, value);
  await trx
    .updateTable('status_lists')
    .set({
      bits: Buffer.from(bits.toBytes()).toString('base64'),
      version: Number(row.version) + 1,
      updated_at: now.toISOString(),
    })
    .where('id', '=', list)
    .execute();
}

export async function readStatusList(db: { selectFrom: Transaction<Database>['selectFrom'] }, id: string) {
  return db.selectFrom('status_lists').selectAll().where('id', '=', id).executeTakeFirst();
}
