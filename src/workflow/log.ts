/** Appending to the transparency log from a use case: lock, append, sign a checkpoint — one transaction. */
import type { Transaction } from 'kysely';
import type { LedgerEntry, NoteSigner } from '../ledger/index.js';
import { type AppendedLeaf, appendEntries, lockLogHead, writeCheckpoint } from '../store/log-repository.js';
import type { Database } from '../store/schema.js';
import type { Context, Issuer } from './context.js';

export function noteSigner(issuer: Issuer): NoteSigner {
  const key = issuer.keys.activeKey();
  return {
    keyName: issuer.logOrigin,
    publicKey: new Uint8Array(Buffer.from(key.publicJwk.x, 'base64url')),
    sign: (message) => issuer.keys.sign(key.kid, message),
  };
}

export async function appendToLog(
  trx: Transaction<Database>,
  ctx: Context,
  entries: readonly LedgerEntry[],
): Promise<AppendedLeaf[]> {
  const size = await lockLogHead(trx, ctx.store.dialect);
  const { appended, root } = await appendEntries(trx, ctx.store.dialect, size, entries);
  // The frontier already knows the new root: no need to read the border back from the database.
  await writeCheckpoint(
    trx,
    size + entries.length,
    ctx.issuer.logOrigin,
    noteSigner(ctx.issuer),
    ctx.clock(),
    root,
  );
  return appended;
}
