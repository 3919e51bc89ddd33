/** The audit trail: every state change with its actor, time, before and after. Append-only. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export interface AuditRecord {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(
  trx: Transaction<Database> | Kysely<Database>,
  at: Date,
  record: AuditRecord,
) {
  await trx
    .insertInto('audit_events')
    .values({
      at: at.toISOString(),
      actor: record.actor,
      action: record.action,
      subject_type: record.subjectType,
      subject_id: record.subjectId,
      before: record.before === undefined ? null : JSON.stringify(record.before),
      after: record.after === undefined ? null : JSON.stringify(record.after),
    })
    .execute();
}

export interface AuditQuery {
  subjectType?: string;
  subjectId?: string;
  afterId?: number;
  limit: number;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery) {
  let query = db.selectFrom('audit_events').selectAll().orderBy('id').limit(q.limit);
  if (q.subjectType) query = query.where('subject_type', '=', q.subjectType);
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: { type: r.subject_type, id: r.subject_id },
    before: r.before ? JSON.parse(r.before) : null,
    after: r.after ? JSON.parse(r.after) : null,
  }));
}
