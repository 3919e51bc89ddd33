/**
 * The delivery worker: takes due rows from the `webhook_deliveries` outbox, POSTs them signed, and records
 * every attempt. Delivery is at least once: a receiver deduplicates on the payload `id` (or the
 * `x-confiance-delivery` header) and must not rely on order, since retries overtake one another.
 *
 * Several processes may run it against one PostgreSQL: a claim is one UPDATE over rows picked with
 * `FOR UPDATE SKIP LOCKED`, which moves `next_attempt_at` forward by a lease. No transaction stays open
 * during the HTTP call; if the process dies mid-request, the lease expires and another worker retries.
 * On SQLite the same UPDATE is atomic because the database has a single writer.
 */
import { performance } from 'node:perf_hooks';
import type { WebhookDeliveryTable } from '../../store/schema.js';
import type { Context } from '../context.js';
import { signatureHeader } from './signature.js';

/** After this many attempts a delivery is `failed`; with the schedule below that spans 7 to 15 hours. */
export const MAX_ATTEMPTS = 12;
export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 6 * 3600_000;
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How many deliveries one run claims and sends in parallel. */
export const DEFAULT_BATCH = 20;

/**
 * Wait after the n-th failed attempt: min(6 h, 30 s · 2^(n−1)), of which a random half ("equal jitter").
 * The jitter spreads the retries of a receiver that came back up, so they do not all land at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface DeliverOptions {
  /** The run's clock: due-ness, signature timestamps and the next attempt are computed from it. */
  now?: Date;
  fetch?: typeof fetch;
  limit?: number;
  timeoutMs?: number;
  random?: () => number;
}

export interface DeliveryRun {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  delivery: WebhookDeliveryTable;
  url: string;
  secret: string;
}

/** Sends every delivery due at `now` (up to `limit`) and records the outcome of each attempt. */
export async function deliverDue(ctx: Context, options: DeliverOptions = {}): Promise<DeliveryRun> {
  const now = options.now ?? ctx.clock();
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const claimed = await claim(ctx, now, options.limit ?? DEFAULT_BATCH, timeoutMs);
  const run: DeliveryRun = { attempted: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (c) => {
      const outcome = await attempt(c, now, options.fetch ?? fetch, timeoutMs);
      const state = await record(ctx, c.delivery, outcome, now, options.random ?? Math.random);
      run[state === 'delivered' ? 'delivered' : state === 'failed' ? 'failed' : 'retrying']++;
    }),
  );
  return run;
}

async function claim(ctx: Context, now: Date, limit: number, timeoutMs: number): Promise<Claimed[]> {
  const nowIso = now.toISOString();
  // The lease outlives the attempt's timeout by a margin, so a live worker always records before it expires.
  const leaseUntil = new Date(now.getTime() + timeoutMs + 60_000).toISOString();
  return ctx.store.db.transaction().execute(async (trx) => {
    let due = trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (ctx.store.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await trx
      .updateTable('webhook_deliveries')
      .set({ attempts: (eb) => eb('attempts', '+', 1), next_attempt_at: leaseUntil })
      .where('id', 'in', due)
      .where('state', '=', 'pending')
      .returningAll()
      .execute();
    if (rows.length === 0) return [];
    // The attempt is logged as started now: if the process dies before it ends, the log shows it unfinished.
    await trx
      .insertInto('webhook_attempts')
      .values(
        rows.map((r) => ({
          delivery_id: r.id,
          attempt: Number(r.attempts),
          started_at: nowIso,
          finished_at: null,
          status: null,
          error: null,
          duration_ms: null,
        })),
      )
      .execute();
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'url', 'secret'])
      .where('id', 'in', [...new Set(rows.map((r) => r.webhook_id))])
      .execute();
    const byId = new Map(hooks.map((h) => [h.id, h]));
    return rows.map((r) => ({
      delivery: { ...r, attempts: Number(r.attempts) },
      url: byId.get(r.webhook_id)!.url,
      secret: byId.get(r.webhook_id)!.secret,
    }));
  });
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

async function attempt(c: Claimed, now: Date, fetchImpl: typeof fetch, timeoutMs: number): Promise<Outcome> {
  const body = c.delivery.payload;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  try {
    const res = await fetchImpl(c.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'confiance-webhooks/1',
        'x-confiance-event': c.delivery.event,
        'x-confiance-delivery': c.delivery.id,
        'x-confiance-timestamp': String(Math.floor(now.getTime() / 1000)),
        'x-confiance-signature': signatureHeader(c.secret, body, now),
      },
      body,
      // A redirect is a failure: following it would send the signed event somewhere its owner never named.
      redirect: 'manual',
      signal: controller.signal,
    });
    // The answer's body is not used; dropping it frees the connection.
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: elapsed(started) };
  } catch (err) {
    const error = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : describe(err);
    return { ok: false, status: null, error, durationMs: elapsed(started) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

/** Network errors from fetch say "fetch failed"; the useful part (ECONNREFUSED, a TLS error) is the cause. */
function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e.cause?.message ?? e.cause?.code;
  return `${e.message ?? String(err)}${cause ? `: ${cause}` : ''}`.slice(0, 500);
}

async function record(ctx: Context, d: WebhookDeliveryTable, o: Outcome, now: Date, random: () => number) {
  const state: WebhookDeliveryTable['state'] = o.ok
    ? 'delivered'
    : d.attempts >= MAX_ATTEMPTS
      ? 'failed'
      : 'pending';
  const finishedAt = new Date(now.getTime() + o.durationMs).toISOString();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_attempts')
      .set({ finished_at: finishedAt, status: o.status, error: o.error, duration_ms: o.durationMs })
      .where('delivery_id', '=', d.id)
      .where('attempt', '=', d.attempts)
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({
        state,
        last_status: o.status,
        last_error: o.error,
        next_attempt_at:
          state === 'pending'
            ? new Date(now.getTime() + retryDelayMs(d.attempts, random)).toISOString()
            : null,
        delivered_at: o.ok ? finishedAt : null,
      })
      .where('id', '=', d.id)
      // Only the holder of this attempt may conclude it; the webhook may have been deleted meanwhile.
      .where('attempts', '=', d.attempts)
      .where('state', '=', 'pending')
      .execute();
  });
  return state;
}

export interface WebhookWorker {
  /** Runs a delivery pass soon, e.g. right after a label event, instead of at the next tick. */
  wake(): void;
  /** Stops polling and resolves once the deliveries in flight are recorded. */
  stop(): Promise<void>;
}

export interface WorkerOptions extends Omit<DeliverOptions, 'now'> {
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Polls the outbox every `intervalMs` (the outbox, not memory, is the source of truth: other processes
 * may have enqueued). A pass that filled its batch is followed at once by another.
 */
export function startWebhookWorker(ctx: Context, options: WorkerOptions = {}): WebhookWorker {
  const intervalMs = options.intervalMs ?? 5_000;
  const limit = options.limit ?? DEFAULT_BATCH;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    // The server keeps the process alive; the worker alone must not (tests, CLI).
    timer.unref();
  };
  const pass = async () => {
    let run: DeliveryRun;
    do run = await deliverDue(ctx, { ...options, limit });
    while (!stopped && run.attempted === limit);
  };
  function tick() {
    timer = undefined;
    if (stopped) return;
    running = pass()
      .catch((err) => options.onError?.(err))
      .finally(() => {
        running = undefined;
        if (!stopped) schedule(again ? 0 : intervalMs);
        again = false;
      });
  }
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
