/**
 * Keeping the registry's read model in step with labels and declarations. Every use case that changes a
 * label or saves a declaration calls `refreshRegistryOffer` inside its own transaction, so the public
 * registry never shows a state the label tables do not hold (and a rolled-back change leaves no trace).
 *
 * What a row holds, and why:
 * - the current label is the most recent non-revoked one (a re-issued label supersedes an older one),
 *   or the most recent revoked one when that is all there is: a revocation stays visible to buyers;
 * - level, state, validity, status entries and regions come from the label (regions from its credential:
 *   what the authority certified, not what a later draft declares);
 * - names, service model and certifications come from the latest declaration: what the provider states
 *   today (a change that breaks the level gets the label flagged by the re-evaluation).
 */
import type { Kysely, Transaction } from 'kysely';
import { LABEL_LEVELS } from '../../credentials/label-credential.js';
import type { Declaration } from '../../declaration/types.js';
import { registrySealProfile } from '../../sovereignty/profile.js';
import * as repo from '../../store/registry-repository.js';
import type { Database, LabelTable, RegistryOfferTable } from '../../store/schema.js';
import { distinctWords, fold } from './text.js';

export interface RegistryRegion {
  code: string;
  country: string;
  city?: string;
}

export interface RegistryCertification {
  scheme: string;
  status: string;
}

/**
 * Re-derives one offer's registry entry inside the caller's transaction. The generation bump comes
 * first: its row lock serialises registry writers (PostgreSQL), so the sources read after it include
 * every earlier writer's commit, and writes commit in generation order for the search indexes.
 * Callers take it last (changeLabelState refreshes after flagging the dependents), so it waits on label
 * rows but label locks never wait on it; the one exception is a change that flags two or more dependents
 * while another transaction flags one of them, which PostgreSQL resolves by aborting one of the two.
 */
export async function refreshRegistryOffer(trx: Transaction<Database>, offerId: string): Promise<void> {
  // Most declaration saves concern offers without a label: no registry write, no lock, no cache churn.
  if ((await repo.labelsForOffers(trx, [offerId])).length === 0) {
    await repo.deleteRegistryEntry(trx, offerId);
    return;
  }
  const generation = await repo.bumpGeneration(trx);
  const label = pickCurrentLabel(await repo.labelsForOffers(trx, [offerId]));
  const [sources] = await repo.offerSources(trx, [offerId]);
  if (!label || !sources) {
    await repo.deleteRegistryEntry(trx, offerId);
    return;
  }
  await repo.saveRegistryEntry(trx, { ...buildRegistryEntry(label, sources), generation });
}

/** Same, for callers that only know the label (flags). */
export async function refreshRegistryForLabel(trx: Transaction<Database>, labelId: string): Promise<void> {
  const offerId = await repo.offerIdOfLabel(trx, labelId);
  if (offerId) await refreshRegistryOffer(trx, offerId);
}

export function pickCurrentLabel<L extends Pick<LabelTable, 'state' | 'created_at' | 'id'>>(
  labels: readonly L[],
): L | undefined {
  const newestFirst = [...labels].sort(
    (a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id),
  );
  return newestFirst.find((l) => l.state !== 'revoked') ?? newestFirst[0];
}

const REBUILD_BATCH = 500;

/**
 * Rebuilds the whole registry from the label tables in one transaction: for databases that held labels
 * before the registry existed, and for operators after a manual repair. Batched, not one query per offer.
 */
export async function rebuildRegistry(
  db: Kysely<Database>,
  now: Date,
  options: { onlyIfNeverBuilt?: boolean } = {},
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const meta = await repo.lockRegistryMeta(trx);
    // Another process may have rebuilt it while this one waited for the lock.
    if (options.onlyIfNeverBuilt && meta.rebuilt_at !== null) return null;
    await repo.clearRegistry(trx);
    const offerIds = await repo.labelledOfferIds(trx);
    let count = 0;
    for (let i = 0; i < offerIds.length; i += REBUILD_BATCH) {
      const ids = offerIds.slice(i, i + REBUILD_BATCH);
      const labels = await repo.labelsForOffers(trx, ids);
      const sources = new Map((await repo.offerSources(trx, ids)).map((s) => [s.id, s]));
      const byOffer = new Map<string, LabelTable[]>();
      for (const l of labels) byOffer.set(l.offer_id, [...(byOffer.get(l.offer_id) ?? []), l]);
      const rows = ids.flatMap((id) => {
        const label = pickCurrentLabel(byOffer.get(id) ?? []);
        const source = sources.get(id);
        return label && source ? [buildRegistryEntry(label, source)] : [];
      });
      await repo.insertRegistryRows(trx, rows);
      count += rows.length;
    }
    await repo.bumpGeneration(trx, { newEpoch: true });
    await repo.markRebuilt(trx, now.toISOString());
    return count;
  });
}

/** Builds the registry once on a database that never had one; a no-op (one read) afterwards. */
export async function ensureRegistryBuilt(db: Kysely<Database>, now: Date): Promise<void> {
  if ((await repo.readRebuiltAt(db)) !== null) return;
  await rebuildRegistry(db, now, { onlyIfNeverBuilt: true });
}

/** The row of one offer; `generation` is stamped when it is saved. */
export function buildRegistryEntry(label: LabelTable, sources: repo.OfferSources): RegistryOfferTable {
  const d = JSON.parse(sources.body) as Declaration;
  const regions = credentialRegions(label.credential) ?? (d.offer.regions ?? []).map(toRegion);
  const countries = [...new Set(regions.map((r) => r.country))].sort();
  const certifications = uniqueBy(
    (d.offer.certifications ?? []).map((c) => ({ scheme: c.scheme, status: c.status })),
    (c) => `${c.scheme}:${c.status}`,
  );
  const registration =
    d.provider.registrationNumber ??
    (sources.registration_scheme && sources.registration_value
      ? { scheme: sources.registration_scheme, value: sources.registration_value }
      : null);
  const terms = distinctWords(d.offer.name, d.provider.name, d.offer.id, d.provider.id);
  return {
    offer_id: sources.id,
    label_id: label.id,
    organisation_id: sources.organisation_id,
    provider_id: d.provider.id,
    provider_name: d.provider.name,
    registration_scheme: registration?.scheme ?? null,
    registration_value: registration?.value ?? null,
    offer_name: d.offer.name,
    sort_name: fold(d.offer.name),
    service_model: d.offer.serviceModel,
    level: label.level,
    level_rank: LABEL_LEVELS.indexOf(label.level as (typeof LABEL_LEVELS)[number]),
    state: label.state,
    state_reason: label.state_reason,
    flagged_at: label.flagged_at,
    flag_reason: label.flag_reason,
    valid_from: label.valid_from,
    valid_until: label.valid_until,
    referential_id: label.referential_id,
    referential_version: label.referential_version,
    credential_digest: label.credential_digest,
    revocation_list: label.revocation_list,
    revocation_index: Number(label.revocation_index),
    suspension_list: label.suspension_list,
    suspension_index: Number(label.suspension_index),
    log_index: Number(label.log_index),
    regions: JSON.stringify(regions),
    countries: JSON.stringify(countries),
    certifications: JSON.stringify(certifications),
    search_text: ` ${terms.join(' ')} `,
    seal_profile: sealProfileJson(d, [label.updated_at, sources.updated_at].sort().at(-1)!.slice(0, 10)),
    declaration_version: Number(sources.version),
    generation: 0,
    updated_at: [label.updated_at, sources.updated_at].sort().at(-1)!,
  };
}

/** SEAL bounds per objective for the search's SEAL gate; null rather than failing the registry write. */
function sealProfileJson(d: Declaration, date: string): string | null {
  try {
    const profile = registrySealProfile(d, date);
    return profile ? JSON.stringify(profile) : null;
  } catch {
    return null;
  }
}

/** The regions the label's credential certifies; undefined when the token cannot be read. */
export function credentialRegions(credential: string): RegistryRegion[] | undefined {
  try {
    const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const regions = payload?.credentialSubject?.regions;
    if (
      !Array.isArray(regions) ||
      !regions.every((r) => typeof r?.code === 'string' && typeof r?.country === 'string')
    )
      return undefined;
    return regions.map(toRegion);
  } catch {
    return undefined;
  }
}

function toRegion(r: { code: string; country: string; city?: string }): RegistryRegion {
  return { code: r.code, country: r.country, ...(r.city ? { city: r.city } : {}) };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
