/**
 * Keeps a process's search index at the database's registry version. Every search reads the version
 * (one statement); when another process (or this one) has written since, the index catches up with the
 * rows stamped with a later generation, or reloads everything when the epoch changed (rows removed).
 * Searches arriving together share one version read and one catch-up: under load that read is paid once
 * per burst rather than once per request, at the price of a request arriving during a read being answered
 * at that read's version (a few hundred microseconds old), as a read replica would.
 */

import type { Store } from '../../store/db.js';
import {
  type IndexRowSource,
  indexRows,
  type RegistryVersion,
  registryVersion,
} from '../../store/registry-repository.js';
import { type IndexRow, RegistrySearchIndex } from './search-index.js';

// Small batches keep the garbage of a full load (row objects) from inflating the process's memory.
const BATCH = 2000;

interface Holder {
  index: RegistrySearchIndex;
  pending: Promise<void> | null;
  /** A version read in flight: requests arriving meanwhile share it instead of queueing their own. */
  reading: Promise<RegistryVersion> | null;
}

// Keyed by store: every context over the same database shares one index.
const holders = new WeakMap<Store, Holder>();

function toIndexRow(r: IndexRowSource): IndexRow {
  return {
    offerId: r.offer_id,
    providerId: r.provider_id,
    level: r.level,
    levelRank: Number(r.level_rank),
    serviceModel: r.service_model,
    state: r.state,
    validUntil: Date.parse(r.valid_until),
    sortName: r.sort_name,
    countries: JSON.parse(r.countries) as string[],
    certifications: (JSON.parse(r.certifications) as Array<{ scheme: string; status: string }>).map(
      (c) => `${c.scheme}:${c.status}`,
    ),
    terms: r.search_text.split(' ').filter(Boolean),
    seal: provenSeal(r.seal_profile),
  };
}

/** The SEAL each objective is proven to reach (the lower bound of the stored profile). */
function provenSeal(json: string | null | undefined): Record<string, number> {
  if (!json) return {};
  try {
    const profile = JSON.parse(json) as Record<string, { min: number }>;
    return Object.fromEntries(Object.entries(profile).map(([objective, r]) => [objective, Number(r.min)]));
  } catch {
    return {};
  }
}

async function catchUp(store: Store, holder: Holder, target: RegistryVersion): Promise<void> {
  const index = holder.index.epoch === target.epoch ? holder.index : new RegistrySearchIndex();
  let after: { generation: number; offerId: string } | null = null;
  let seen = index.generation;
  for (;;) {
    const rows = await indexRows(store.db, index.generation, after, BATCH);
    for (const row of rows) {
      index.upsert(toIndexRow(row));
      seen = Math.max(seen, Number(row.generation));
    }
    if (rows.length < BATCH) break;
    const last = rows.at(-1)!;
    after = { generation: Number(last.generation), offerId: last.offer_id };
  }
  // Writes commit in generation order, so everything up to the version read is now in.
  index.generation = Math.max(seen, target.generation);
  index.epoch = target.epoch;
  holder.index = index;
}

/** The version now and an index that reflects at least it. */
export async function syncedIndex(
  store: Store,
  now: Date,
): Promise<{ index: RegistrySearchIndex; version: RegistryVersion }> {
  let holder = holders.get(store);
  if (!holder) {
    holder = { index: new RegistrySearchIndex(), pending: null, reading: null };
    holders.set(store, holder);
  }
  const h = holder;
  h.reading ??= registryVersion(store.db, now.toISOString()).finally(() => {
    h.reading = null;
  });
  const version = await h.reading;
  while (holder.index.epoch !== version.epoch || holder.index.generation < version.generation) {
    if (!holder.pending) {
      const h = holder;
      h.pending = catchUp(store, h, version).finally(() => {
        h.pending = null;
      });
    }
    await holder.pending;
  }
  return { index: holder.index, version };
}
