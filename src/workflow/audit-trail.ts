/**
 * The audit trail as the authority browses it: newest first, filtered by subject, action or actor, in
 * pages keyed by entry id (stable while new entries arrive), with people's names next to their ids.
 */
import type { Actor, Context } from './context.js';
import { authorize } from './policy.js';

export interface AuditFilter {
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  /** A user id, an email address, or a system actor's name (`system`, `signup`…). */
  actor?: string | undefined;
  /** Entries older than this id (the next page). */
  before?: number | undefined;
  /** Entries newer than this id (the previous page). */
  after?: number | undefined;
  limit: number;
}

export async function auditTrail(ctx: Context, actor: Actor | null, filter: AuditFilter) {
  authorize(actor, 'read', 'authority');
  const db = ctx.store.db;
  let actorIds: string[] | undefined;
  if (filter.actor) {
    const users = await db
      .selectFrom('users')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', filter.actor!), eb('email', '=', filter.actor!.toLowerCase())]))
      .execute();
    actorIds = [filter.actor, ...users.map((u) => u.id)];
  }
  const filtered = () => {
    let q = db.selectFrom('audit_events').selectAll();
    if (filter.subjectType) q = q.where('subject_type', '=', filter.subjectType);
    if (filter.subjectId) q = q.where('subject_id', '=', filter.subjectId);
    if (filter.action) q = q.where('action', '=', filter.action);
    if (actorIds) q = q.where('actor', 'in', actorIds);
    return q;
  };
  let rows =
    filter.after !== undefined
      ? (
          await filtered()
            .where('id', '>', filter.after)
            .orderBy('id', 'asc')
            .limit(filter.limit + 1)
            .execute()
        ).reverse()
      : await (filter.before !== undefined ? filtered().where('id', '<', filter.before) : filtered())
          .orderBy('id', 'desc')
          .limit(filter.limit + 1)
          .execute();
  // One more row than asked says whether the far side has more; the near side is checked directly.
  const more = rows.length > filter.limit;
  rows =
    filter.after !== undefined
      ? rows.slice(rows.length - Math.min(rows.length, filter.limit))
      : rows.slice(0, filter.limit);
  const exists = async (op: '<' | '>', id: number) =>
    (await filtered().select('id').where('id', op, id).limit(1).execute()).length > 0;
  const first = rows.length ? Number(rows[0]!.id) : null;
  const last = rows.length ? Number(rows.at(-1)!.id) : null;
  const older = last !== null && (filter.after !== undefined ? await exists('<', last) : more);
  const newer = first !== null && (filter.after !== undefined ? more : await exists('>', first));
  const [users, subjectTypes, actions] = await Promise.all([
    rows.length
      ? db
          .selectFrom('users')
          .select(['id', 'display_name', 'email'])
          .where('id', 'in', [...new Set(rows.map((r) => r.actor))])
          .execute()
      : [],
    db.selectFrom('audit_events').select('subject_type').distinct().orderBy('subject_type').execute(),
    db.selectFrom('audit_events').select('action').distinct().orderBy('action').execute(),
  ]);
  const names = new Map(users.map((u) => [u.id, `${u.display_name} <${u.email}>`]));
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actor: { id: r.actor, name: names.get(r.actor) ?? r.actor },
      action: r.action,
      subject: { type: r.subject_type, id: r.subject_id },
      before: r.before ? (JSON.parse(r.before) as unknown) : null,
      after: r.after ? (JSON.parse(r.after) as unknown) : null,
    })),
    /** Cursor for the next (older) page, when there is one. */
    olderThan: older ? last : null,
    /** Cursor for the previous (newer) page, when there is one. */
    newerThan: newer ? first : null,
    facets: {
      subjectTypes: subjectTypes.map((r) => r.subject_type),
      actions: actions.map((r) => r.action),
    },
  };
}
