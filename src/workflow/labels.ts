/**
 * A label's life: issuance (credential + status indexes + log leaf, all or nothing), suspension,
 * reinstatement, revocation, and the flags raised when an offer stops meeting its level or an offer it
 * runs on loses its label. Each change flips the status bit and appends to the log in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { credentialDigest, criteriaDigest, issueLabelCredential } from '../credentials/index.js';
import type { Declaration } from '../declaration/types.js';
import type { EvaluationResult } from '../evaluation/evaluate.js';
import type { Database, LabelTable } from '../store/schema.js';
import { allocateStatusIndex, setStatusBit } from '../store/status-repository.js';
import { recordAudit } from './audit.js';
import type { Actor, Context, LabelEvent } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { appendToLog } from './log.js';
import { authorize } from './policy.js';
import { refreshRegistryForLabel, refreshRegistryOffer } from './registry/refresh.js';
import { retryOnDeadlock } from './retry.js';
import { enqueueLabelEvent } from './webhooks.js';

export type LabelState = LabelTable['state'];
export type LabelAction = 'suspend' | 'reinstate' | 'revoke';

const TRANSITIONS: Record<
  LabelAction,
  { from: LabelState[]; to: LabelState; entry: 'label.suspended' | 'label.reinstated' | 'label.revoked' }
> = {
  suspend: { from: ['active'], to: 'suspended', entry: 'label.suspended' },
  reinstate: { from: ['suspended'], to: 'active', entry: 'label.reinstated' },
  revoke: { from: ['active', 'suspended'], to: 'revoked', entry: 'label.revoked' },
};

/** The changes a label in this state allows (what the pages offer; the transitions still enforce them). */
export function labelActions(state: LabelState): LabelAction[] {
  return (Object.keys(TRANSITIONS) as LabelAction[]).filter((action) =>
    TRANSITIONS[action].from.includes(state),
  );
}

export interface IssueInput {
  applicationId: string | null;
  organisationId: string;
  declaration: Declaration;
  evaluation: EvaluationResult;
  level: string;
  evidenceDigests: string[];
  actor: string;
}

export function statusListUrl(ctx: Context, listId: string): string {
  return `${ctx.issuer.origin}/v1/status-lists/${listId}`;
}

export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** Issues a label inside the caller's transaction. */
export async function issueLabel(
  trx: Transaction<Database>,
  ctx: Context,
  input: IssueInput,
): Promise<LabelTable> {
  const now = ctx.clock();
  const { declaration: d, evaluation } = input;
  const referential = ctx.referentials.get(evaluation.referential.id, evaluation.referential.version);
  const level = referential.document.levels.find((l) => l.id === input.level);
  if (!level) throw invalid(`unknown level "${input.level}"`);
  const regions = d.offer.regions ?? [];
  if (regions.length === 0) throw invalid('a label needs at least one region in the declaration');

  const revocation = await allocateStatusIndex(trx, ctx.store.dialect, 'revocation', now);
  const suspension = await allocateStatusIndex(trx, ctx.store.dialect, 'suspension', now);
  const id = randomUUID();
  const validUntil = addMonths(now, level.validityMonths);
  const results = evaluation.criteria.map((c) => ({ id: c.id, status: c.status }));
  const credential = await issueLabelCredential(
    {
      id: `urn:uuid:${id}`,
      issuer: ctx.issuer.did,
      validFrom: now,
      validUntil,
      subject: {
        id: `${ctx.issuer.origin}/v1/registry/offers/${encodeURIComponent(d.offer.id)}`,
        provider: {
          id: d.provider.id,
          name: d.provider.name,
          legalId: d.provider.registrationNumber ?? { scheme: 'confiance', value: d.provider.id },
        },
        offer: { id: d.offer.id, name: d.offer.name, serviceModel: d.offer.serviceModel },
        level: input.level as never,
        regions: regions.map((r) => ({
          code: r.code,
          country: r.country,
          ...(r.city ? { city: r.city } : {}),
        })),
        referential: evaluation.referential,
        criteriaDigest: criteriaDigest(results),
        evidenceDigests: [...new Set(input.evidenceDigests)].sort(),
      },
      status: {
        revocation: { index: revocation.index, listUrl: statusListUrl(ctx, revocation.list) },
        suspension: { index: suspension.index, listUrl: statusListUrl(ctx, suspension.list) },
      },
    },
    ctx.issuer.keys,
  );
  const digest = credentialDigest(credential);
  const [leaf] = await appendToLog(trx, ctx, [
    {
      v: 1,
      type: 'label.issued',
      at: now.toISOString(),
      subject: `urn:uuid:${id}`,
      digest,
      data: { offer: d.offer.id, level: input.level },
    },
  ]);
  const row: LabelTable = {
    id,
    application_id: input.applicationId,
    organisation_id: input.organisationId,
    offer_id: d.offer.id,
    level: input.level,
    state: 'active',
    valid_from: now.toISOString(),
    valid_until: validUntil.toISOString(),
    credential,
    credential_digest: digest,
    referential_id: evaluation.referential.id,
    referential_version: evaluation.referential.version,
    revocation_list: revocation.list,
    revocation_index: revocation.index,
    suspension_list: suspension.list,
    suspension_index: suspension.index,
    log_index: leaf!.index,
    flagged_at: null,
    flag_reason: null,
    state_reason: null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    row_version: 1,
  };
  await trx.insertInto('labels').values(row).execute();
  await refreshRegistryOffer(trx, d.offer.id);
  await recordAudit(trx, now, {
    actor: input.actor,
    action: 'label.issued',
    subjectType: 'label',
    subjectId: id,
    after: { state: 'active', level: input.level, offer: d.offer.id, logIndex: leaf!.index },
  });
  return row;
}

async function lockLabel(trx: Transaction<Database>, ctx: Context, id: string): Promise<LabelTable> {
  if (ctx.store.dialect === 'sqlite') {
    await trx
      .updateTable('labels')
      .set({ row_version: (eb) => eb.ref('row_version') })
      .where('id', '=', id)
      .execute();
  }
  let q = trx.selectFrom('labels').selectAll().where('id', '=', id);
  if (ctx.store.dialect === 'postgres') q = q.forUpdate();
  const label = await q.executeTakeFirst();
  if (!label) throw notFound(`label ${id}`);
  return label;
}

/**
 * Suspends, reinstates or revokes a label. Illegal transitions (reinstating an active label, anything on
 * a revoked one) are conflicts. A stale `expectedVersion` is a conflict too.
 */
export async function changeLabelState(
  ctx: Context,
  input: { labelId: string; action: LabelAction; reason: string; actor: string; expectedVersion?: number },
): Promise<LabelTable> {
  if (!input.reason.trim())
    throw invalid('a reason is required', [{ path: '$.reason', message: 'must not be empty' }]);
  const events: LabelEvent[] = [];
  // A suspension flags dependent labels while another transaction may hold one of them: PostgreSQL then
  // aborts one side with a deadlock, which is safe to run again from the start.
  const updated = await retryOnDeadlock(() =>
    ctx.store.db.transaction().execute((trx) => {
      events.length = 0;
      return applyLabelChange(trx, ctx, input, events);
    }),
  );
  for (const e of events) ctx.onLabelEvent?.(e);
  return updated;
}

/**
 * The state change itself, inside the caller's transaction: status bit, log leaf, row, audit, dependents
 * flagged (unless `propagate` is false, as when a renewal supersedes the previous label), webhook outbox,
 * registry. `events` receives what to announce once the transaction commits.
 */
export async function applyLabelChange(
  trx: Transaction<Database>,
  ctx: Context,
  input: { labelId: string; action: LabelAction; reason: string; actor: string; expectedVersion?: number },
  events: LabelEvent[],
  { propagate = true }: { propagate?: boolean } = {},
): Promise<LabelTable> {
  const rule = TRANSITIONS[input.action];
  const now = ctx.clock();
  const label = await lockLabel(trx, ctx, input.labelId);
  if (input.expectedVersion !== undefined && input.expectedVersion !== Number(label.row_version)) {
    throw conflict(
      `label ${label.id} changed since version ${input.expectedVersion} (now ${label.row_version})`,
    );
  }
  if (!rule.from.includes(label.state)) {
    throw conflict(`cannot ${input.action} a label that is ${label.state}`, [
      { path: '$.state', message: `allowed from: ${rule.from.join(', ')}` },
    ]);
  }
  if (input.action === 'revoke') {
    await setStatusBit(
      trx,
      ctx.store.dialect,
      label.revocation_list,
      Number(label.revocation_index),
      true,
      now,
    );
    if (label.state === 'suspended') {
      // A revoked label stays revoked whatever the suspension bit says; clearing it avoids a double signal.
      await setStatusBit(
        trx,
        ctx.store.dialect,
        label.suspension_list,
        Number(label.suspension_index),
        false,
        now,
      );
    }
  } else {
    await setStatusBit(
      trx,
      ctx.store.dialect,
      label.suspension_list,
      Number(label.suspension_index),
      input.action === 'suspend',
      now,
    );
  }
  await appendToLog(trx, ctx, [
    {
      v: 1,
      type: rule.entry,
      at: now.toISOString(),
      subject: `urn:uuid:${label.id}`,
      digest: label.credential_digest,
      data: { reason: input.reason },
    },
  ]);
  const after = {
    state: rule.to,
    state_reason: input.reason,
    updated_at: now.toISOString(),
    row_version: Number(label.row_version) + 1,
    ...(input.action === 'reinstate' ? { flagged_at: null, flag_reason: null } : {}),
  };
  await trx.updateTable('labels').set(after).where('id', '=', label.id).execute();
  await recordAudit(trx, now, {
    actor: input.actor,
    action: rule.entry,
    subjectType: 'label',
    subjectId: label.id,
    before: { state: label.state },
    after: { state: rule.to, reason: input.reason },
  });
  events.push({
    type: rule.entry,
    labelId: label.id,
    offerId: label.offer_id,
    at: now.toISOString(),
    reason: input.reason,
  });
  if (input.action !== 'reinstate' && propagate) {
    for (const dependent of await flagDependents(trx, label.offer_id, now, input.actor)) {
      events.push({
        type: 'label.flagged',
        labelId: dependent.id,
        offerId: dependent.offerId,
        at: now.toISOString(),
        reason: dependent.reason,
      });
    }
  }
  for (const e of events) await enqueueLabelEvent(trx, e);
  await refreshRegistryOffer(trx, label.offer_id);
  return { ...label, ...after } as LabelTable;
}

/** Flags the active labels of offers that declare they run on `offerId` (a SaaS on an IaaS). */
async function flagDependents(trx: Transaction<Database>, offerId: string, now: Date, actor: string) {
  const candidates = await trx
    .selectFrom('labels')
    .innerJoin('offers', 'offers.id', 'labels.offer_id')
    .innerJoin('declarations', (join) =>
      join
        .onRef('declarations.offer_id', '=', 'offers.id')
        .onRef('declarations.version', '=', 'offers.latest_declaration_version'),
    )
    .select(['labels.id', 'labels.offer_id', 'declarations.body'])
    .where('labels.state', '=', 'active')
    .where('labels.flagged_at', 'is', null)
    .execute();
  const flagged: Array<{ id: string; offerId: string; reason: string }> = [];
  for (const c of candidates) {
    const body = JSON.parse(c.body) as Declaration;
    if (!body.offer.runsOn?.includes(offerId)) continue;
    const reason = `runs on ${offerId}, whose label was suspended or revoked`;
    await flagLabel(trx, c.id, reason, now, actor);
    flagged.push({ id: c.id, offerId: c.offer_id, reason });
  }
  return flagged;
}

export async function flagLabel(
  trx: Transaction<Database>,
  labelId: string,
  reason: string,
  now: Date,
  actor: string,
) {
  const previous = await trx
    .selectFrom('labels')
    .select(['flagged_at', 'flag_reason'])
    .where('id', '=', labelId)
    .executeTakeFirst();
  await trx
    .updateTable('labels')
    .set({
      flagged_at: now.toISOString(),
      flag_reason: reason,
      updated_at: now.toISOString(),
      row_version: (eb) => eb('row_version', '+', 1),
    })
    .where('id', '=', labelId)
    .execute();
  await refreshRegistryForLabel(trx, labelId);
  await recordAudit(trx, now, {
    actor,
    action: 'label.flagged',
    subjectType: 'label',
    subjectId: labelId,
    before: { flaggedAt: previous?.flagged_at ?? null, reason: previous?.flag_reason ?? null },
    after: { flaggedAt: now.toISOString(), reason },
  });
}

/** Labels the caller may list: a provider its own organisation's, the authority all of them. */
export async function listLabels(
  ctx: Context,
  actor: Actor | null,
  filter: { state?: LabelState | undefined; limit: number; offset: number },
) {
  const a = authorize(actor, 'read', 'provider', 'authority');
  let q = ctx.store.db.selectFrom('labels').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (a.role === 'provider') q = q.where('organisation_id', '=', a.organisationId);
  if (filter.state) q = q.where('state', '=', filter.state);
  return q.limit(filter.limit).offset(filter.offset).execute();
}

export async function getLabel(db: Kysely<Database>, id: string): Promise<LabelTable> {
  const label = await db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
  if (!label) throw notFound(`label ${id}`);
  return label;
}

/** What a relying party sees: `expired` is derived from the dates, never stored. */
export function publicState(
  label: Pick<LabelTable, 'state' | 'valid_until'>,
  now: Date,
): LabelState | 'expired' {
  if (label.state === 'revoked') return 'revoked';
  if (new Date(label.valid_until).getTime() <= now.getTime()) return 'expired';
  return label.state;
}
