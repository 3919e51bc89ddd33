/**
 * Relying-party webhooks: any authenticated user subscribes a URL to label status changes and receives
 * signed POSTs. The outbox is the `webhook_deliveries` table: a delivery row is written in the same
 * transaction as the label change (enqueueLabelEvent), so a crash or restart can neither lose an event
 * nor announce a change that was rolled back. The worker in ./webhooks/delivery.ts sends them.
 *
 * The signing secret is shown once, at creation. It is stored in clear because it must be used to sign
 * (a hash would not do); it is never returned by a read nor written to the audit trail or the logs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Transaction } from 'kysely';
import type { Database, WebhookDeliveryTable, WebhookTable } from '../store/schema.js';
import { recordAudit } from './audit.js';
import type { Actor, Context, LabelEvent } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { authorize } from './policy.js';

export { deliverDue, MAX_ATTEMPTS, retryDelayMs, startWebhookWorker } from './webhooks/delivery.js';
export { signatureHeader, verifyWebhookSignature } from './webhooks/signature.js';

export const LABEL_EVENT_TYPES = [
  'label.issued',
  'label.suspended',
  'label.reinstated',
  'label.revoked',
  'label.flagged',
] as const satisfies readonly LabelEvent['type'][];
export type WebhookEventType = LabelEvent['type'] | 'webhook.ping';

/** A user's subscriptions fan out every label event; a bound keeps one account from flooding the queue. */
export const MAX_WEBHOOKS_PER_USER = 20;
const SECRET_PREFIX = 'whsec_';
const ANYONE = ['provider', 'assessor', 'authority'] as const;

export interface NewWebhook {
  url: string;
  events: string[];
  offerIds?: string[];
}

/** The body a receiver gets; `label` is absent on a ping. */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  label?: { id: string; offerId: string; state: string; level: string };
  reason?: string;
  webhookId?: string;
}

/**
 * https only, except plain http to a loopback host (local development and tests). No credentials in the
 * URL: they would be shown on every read. Private and link-local addresses are *not* refused here (DNS
 * can point anywhere after this check anyway): the deployer must filter the service's egress.
 */
export function validateWebhookUrl(raw: string): string {
  const fail = (message: string) => invalid('invalid webhook URL', [{ path: '$.url', message }]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail('not an absolute URL');
  }
  if (url.username || url.password) throw fail('must not contain credentials');
  if (url.hash) throw fail('must not contain a fragment');
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.href;
  throw fail('must use https (plain http is only allowed to a loopback host)');
}

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIPv4(hostname) && hostname.startsWith('127.');
}

function presentWebhook(row: WebhookTable) {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    offerIds: row.offer_ids ? (JSON.parse(row.offer_ids) as string[]) : null,
    createdAt: row.created_at,
  };
}

export async function createWebhook(ctx: Context, actor: Actor | null, input: NewWebhook) {
  const a = authorize(actor, 'write', ...ANYONE);
  const url = validateWebhookUrl(input.url);
  const events = [...new Set(input.events)];
  const unknown = events.filter((e) => !(LABEL_EVENT_TYPES as readonly string[]).includes(e));
  if (events.length === 0 || unknown.length > 0) {
    throw invalid('invalid events', [
      { path: '$.events', message: `a non-empty list of: ${LABEL_EVENT_TYPES.join(', ')}` },
    ]);
  }
  const offerIds = input.offerIds === undefined ? null : [...new Set(input.offerIds.map((o) => o.trim()))];
  if (offerIds && (offerIds.length === 0 || offerIds.some((o) => !o))) {
    throw invalid('invalid offer filter', [
      { path: '$.offerIds', message: 'omit it for every offer, or list non-empty ids' },
    ]);
  }
  const now = ctx.clock().toISOString();
  const row: WebhookTable = {
    id: randomUUID(),
    owner_user_id: a.userId,
    url,
    secret: SECRET_PREFIX + randomBytes(32).toString('base64url'),
    events: JSON.stringify(events),
    offer_ids: offerIds ? JSON.stringify(offerIds) : null,
    created_at: now,
    disabled_at: null,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    const { count } = await trx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('owner_user_id', '=', a.userId)
      .where('disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_WEBHOOKS_PER_USER) {
      throw conflict(`at most ${MAX_WEBHOOKS_PER_USER} webhooks per user; delete one first`);
    }
    await trx.insertInto('webhooks').values(row).execute();
    // presentWebhook never carries the secret, so the audit trail cannot leak it.
    await recordAudit(trx, ctx.clock(), {
      actor: a.userId,
      action: 'webhook.created',
      subjectType: 'webhook',
      subjectId: row.id,
      after: presentWebhook(row),
    });
  });
  // The one and only time the secret leaves the service.
  return { ...presentWebhook(row), secret: row.secret };
}

export async function listWebhooks(ctx: Context, actor: Actor | null) {
  const a = authorize(actor, 'read', ...ANYONE);
  const rows = await ctx.store.db
    .selectFrom('webhooks')
    .selectAll()
    .where('owner_user_id', '=', a.userId)
    .where('disabled_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentWebhook);
}

/** Someone else's webhook is "not found", like a deleted one, so ids cannot be probed. */
async function findWebhook(
  ctx: Context,
  actor: Actor,
  id: string,
  authorityMay: boolean,
): Promise<WebhookTable> {
  const row = await ctx.store.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  const mayAct = row && (row.owner_user_id === actor.userId || (authorityMay && actor.role === 'authority'));
  if (!row || row.disabled_at || !mayAct) throw notFound(`webhook ${id}`);
  return row;
}

/**
 * Deletion keeps the row (disabled) so the delivery log stays auditable, and cancels what is still
 * queued: nothing is sent to a URL its owner withdrew. The authority may delete any webhook (abuse).
 */
export async function deleteWebhook(ctx: Context, actor: Actor | null, id: string): Promise<void> {
  const a = authorize(actor, 'write', ...ANYONE);
  const row = await findWebhook(ctx, a, id, true);
  const now = ctx.clock().toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.updateTable('webhooks').set({ disabled_at: now }).where('id', '=', row.id).execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({ state: 'failed', next_attempt_at: null, last_error: 'webhook deleted' })
      .where('webhook_id', '=', row.id)
      .where('state', '=', 'pending')
      .execute();
    await recordAudit(trx, ctx.clock(), {
      actor: a.userId,
      action: 'webhook.deleted',
      subjectType: 'webhook',
      subjectId: row.id,
      before: { url: row.url },
    });
  });
}

export async function listDeliveries(
  ctx: Context,
  actor: Actor | null,
  id: string,
  page: { limit: number; offset: number },
) {
  const a = authorize(actor, 'read', ...ANYONE);
  const hook = await findWebhook(ctx, a, id, false);
  const rows = await ctx.store.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', hook.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const attempts = rows.length
    ? await ctx.store.db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('attempt')
        .execute()
    : [];
  return rows.map((d) => ({
    ...presentDelivery(d),
    history: attempts
      .filter((t) => t.delivery_id === d.id)
      .map((t) => ({
        attempt: Number(t.attempt),
        startedAt: t.started_at,
        finishedAt: t.finished_at,
        status: t.status === null ? null : Number(t.status),
        error: t.error,
        durationMs: t.duration_ms === null ? null : Number(t.duration_ms),
      })),
  }));
}

function presentDelivery(d: WebhookDeliveryTable) {
  return {
    id: d.id,
    type: d.event,
    state: d.state,
    attempts: Number(d.attempts),
    nextAttemptAt: d.next_attempt_at,
    lastStatus: d.last_status === null ? null : Number(d.last_status),
    lastError: d.last_error,
    createdAt: d.created_at,
    deliveredAt: d.delivered_at,
    payload: JSON.parse(d.payload) as WebhookPayload,
  };
}

/** Queues a `webhook.ping` so an owner can check its receiver and signature code end to end. */
export async function pingWebhook(ctx: Context, actor: Actor | null, id: string) {
  const a = authorize(actor, 'write', ...ANYONE);
  const hook = await findWebhook(ctx, a, id, false);
  const now = ctx.clock().toISOString();
  const payload: WebhookPayload = {
    id: randomUUID(),
    type: 'webhook.ping',
    occurredAt: now,
    webhookId: hook.id,
  };
  const row = deliveryRow(hook.id, payload, now);
  await ctx.store.db.insertInto('webhook_deliveries').values(row).execute();
  return { deliveryId: row.id };
}

function deliveryRow(webhookId: string, payload: WebhookPayload, now: string): WebhookDeliveryTable {
  return {
    id: randomUUID(),
    webhook_id: webhookId,
    event: payload.type,
    payload: JSON.stringify(payload),
    attempts: 0,
    state: 'pending',
    next_attempt_at: now,
    last_status: null,
    last_error: null,
    created_at: now,
    delivered_at: null,
  };
}

/**
 * Writes one delivery per matching webhook, inside the transaction that changes the label: the outbox
 * commits or rolls back with the change itself. The label is read back from that transaction, so the
 * payload shows the state being committed. All deliveries of one event share its `id` (receivers
 * deduplicate on it); each has its own delivery id.
 */
export async function enqueueLabelEvent(trx: Transaction<Database>, event: LabelEvent): Promise<void> {
  const hooks = await trx
    .selectFrom('webhooks')
    .innerJoin('users', 'users.id', 'webhooks.owner_user_id')
    .select(['webhooks.id', 'webhooks.events', 'webhooks.offer_ids'])
    .where('webhooks.disabled_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .execute();
  // Filters are JSON text (portable between engines); subscriptions are few, so matching in memory is cheap.
  const matching = hooks.filter(
    (h) =>
      (JSON.parse(h.events) as string[]).includes(event.type) &&
      (h.offer_ids === null || (JSON.parse(h.offer_ids) as string[]).includes(event.offerId)),
  );
  if (matching.length === 0) return;
  const label = await trx
    .selectFrom('labels')
    .select(['id', 'offer_id', 'state', 'level'])
    .where('id', '=', event.labelId)
    .executeTakeFirst();
  if (!label) return;
  const payload: WebhookPayload = {
    id: randomUUID(),
    type: event.type,
    occurredAt: event.at,
    label: { id: label.id, offerId: label.offer_id, state: label.state, level: label.level },
    ...(event.reason ? { reason: event.reason } : {}),
  };
  await trx
    .insertInto('webhook_deliveries')
    .values(matching.map((h) => deliveryRow(h.id, payload, event.at)))
    .execute();
}
