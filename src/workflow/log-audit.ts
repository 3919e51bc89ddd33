/**
 * Audit of the stored transparency log: recompute the tree from the stored entries, check every stored
 * checkpoint (signature, root at its size) and the consistency of consecutive ones, and check that the
 * stored leaf hashes are those of the stored entries. Reports the first divergence.
 */
import type { Kysely } from 'kysely';
import { type AuditResult, auditLog, leafHash } from '../ledger/index.js';
import type { Database } from '../store/schema.js';

export interface StoredLogAudit {
  keys: Array<{ name: string; publicKey: Uint8Array }>;
  origin: string;
  onProgress?: (leaves: number, total: number) => void;
}

export type StoredAuditResult =
  | AuditResult
  | { ok: false; kind: 'stored-hash-mismatch'; at: { leafIndex: number }; message: string };

export async function auditStoredLog(
  db: Kysely<Database>,
  options: StoredLogAudit,
): Promise<StoredAuditResult> {
  const head = await db.selectFrom('log_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  const total = Number(head.size);
  const checkpoints = (
    await db.selectFrom('checkpoints').select(['size', 'note']).orderBy('size').execute()
  ).map((c) => c.note);
  let storedMismatch: StoredAuditResult | undefined;

  async function* leaves(): AsyncGenerator<Uint8Array> {
    const page = 5000;
    for (let start = 0; start < total; start += page) {
      const rows = await db
        .selectFrom('log_leaves')
        .select(['idx', 'entry', 'leaf_hash'])
        .where('idx', '>=', start)
        .where('idx', '<', start + page)
        .orderBy('idx')
        .execute();
      for (const [i, row] of rows.entries()) {
        const expectedIndex = start + i;
        if (Number(row.idx) !== expectedIndex) {
          storedMismatch ??= {
            ok: false,
            kind: 'stored-hash-mismatch',
            at: { leafIndex: expectedIndex },
            message: `leaf ${expectedIndex} is missing from the database`,
          };
          return;
        }
        const bytes = new Uint8Array(Buffer.from(row.entry, 'utf8'));
        if (Buffer.from(leafHash(bytes)).toString('hex') !== row.leaf_hash) {
          storedMismatch ??= {
            ok: false,
            kind: 'stored-hash-mismatch',
            at: { leafIndex: expectedIndex },
            message: `leaf ${expectedIndex}: the stored leaf hash is not the hash of the stored entry`,
          };
        }
        yield bytes;
      }
      options.onProgress?.(Math.min(start + page, total), total);
    }
  }

  const result = await auditLog({
    leaves: leaves(),
    checkpoints,
    verifierKeys: options.keys,
    origin: options.origin,
  });
  if (storedMismatch) return storedMismatch;
  return result;
}
