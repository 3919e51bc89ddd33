/**
 * The public registry: what buyers and relying parties read. Search with facets, an offer's page, a
 * provider's page, whole-registry exports and a signed snapshot for offline use. No actor: everything
 * here is public, and nothing here writes (the read model is maintained by ./registry/refresh.ts).
 *
 * Searches, exports and snapshots start by reading the registry version (one indexed statement) and
 * cache their results per version: repeated searches (the landing page, paging through one result set)
 * cost that one statement, and a change committed by any process is visible on the next request.
 */
import { createHash } from 'node:crypto';
import { SIGNING_ALG } from '../credentials/constants.js';
import { signCompact } from '../credentials/jws.js';
import type { SealProfile } from '../sovereignty/types.js';
import { latestCheckpoint } from '../store/log-repository.js';
import * as repo from '../store/registry-repository.js';
import type { Context } from './context.js';
import { notFound } from './errors.js';
import { getLabel, publicState } from './labels.js';
import { cacheOf, memo } from './registry/cache.js';
import { type ExportFormat, exportChunks } from './registry/export.js';
import { syncedIndex } from './registry/index-sync.js';
import { labelCriteria, latestDeclaration, ownershipSummary } from './registry/offer-view.js';
import { presentEntry, type RegistryItem, registryLinks, statusEntries } from './registry/present.js';
import { parseRegistrySearch, type RegistrySearchInput } from './registry/query.js';
import { ensureRegistryBuilt, rebuildRegistry } from './registry/refresh.js';
import type { FacetName } from './registry/search-index.js';
import { REGISTRY_SNAPSHOT_TYP, type RegistrySnapshot, type SnapshotOffer } from './registry-snapshot.js';

export type { ExportFormat, RegistryItem, RegistrySearchInput };
export { ensureRegistryBuilt, rebuildRegistry };

/** Facets with many values (providers, countries, certifications) list the most frequent ones only. */
export const FACET_LIMIT = 50;
/** A snapshot is re-signed at least this often, so `generatedAt` tells an offline reader how fresh it is. */
const SNAPSHOT_RESIGN_MS = 3600_000;

export type FacetCounts = Record<FacetName, Record<string, number>>;

export interface RegistrySearchResult {
  total: number;
  limit: number;
  offset: number;
  items: RegistryItem[];
  facets: FacetCounts;
}

/** Opaque token that changes whenever any public field of the registry may have changed. */
export async function registryVersion(ctx: Context, now = ctx.clock()): Promise<string> {
  const v = await repo.registryVersion(ctx.store.db, now.toISOString());
  return `${v.epoch}.${v.generation}.${v.boundary ?? ''}`;
}

/**
 * Faceted search: filters AND-ed across facets and OR-ed within one, facet counts over the matches with
 * each facet ignoring its own filter. Runs on the process's search index (./registry/search-index.ts),
 * then reads the page's rows from the database; pages are cached per registry version.
 */
export async function searchRegistry(
  ctx: Context,
  input: RegistrySearchInput,
): Promise<RegistrySearchResult> {
  const search = parseRegistrySearch(input);
  const now = ctx.clock();
  const { index, version } = await syncedIndex(ctx.store, now);
  const key = JSON.stringify([version, search]);
  const compute = async () => {
    const found = index.search({ ...search, now: now.getTime(), facetLimit: FACET_LIMIT });
    const rows = new Map((await repo.registryRows(ctx.store.db, found.offerIds)).map((r) => [r.offer_id, r]));
    const items = found.offerIds.flatMap((id) => {
      const row = rows.get(id);
      return row ? [presentEntry(ctx, row, now)] : [];
    });
    const facets = Object.fromEntries(
      Object.entries(found.facets).map(([f, counts]) => [f, Object.fromEntries(counts)]),
    );
    return {
      total: found.total,
      limit: search.limit,
      offset: search.offset,
      items,
      facets: facets as FacetCounts,
    };
  };
  return memo(cacheOf<Promise<RegistrySearchResult>>(ctx, 'registry.search', 200), key, compute);
}

/** The public page of one labelled offer. */
export async function getRegistryOffer(ctx: Context, offerId: string) {
  const row = await repo.registryOffer(ctx.store.db, offerId);
  if (!row) throw notFound(`registry entry for offer ${offerId}`);
  const now = ctx.clock();
  const [label, latest] = await Promise.all([
    getLabel(ctx.store.db, row.label_id),
    latestDeclaration(ctx, offerId),
  ]);
  if (!latest) throw notFound(`declaration of offer ${offerId}`);
  const evaluation = await labelCriteria(ctx, label, latest);
  const origin = ctx.issuer.origin;
  const entry = presentEntry(ctx, row, now);
  return {
    ...entry,
    referential: { id: row.referential_id, version: row.referential_version },
    status: statusEntries(ctx, row),
    logIndex: Number(row.log_index),
    declarationVersion: latest.version,
    ownership: ownershipSummary(ctx, row, latest.declaration, latest.version),
    evaluation,
    links: {
      ...entry.links,
      inclusion: `${entry.links.label}/inclusion`,
      revocationList: statusEntries(ctx, row).revocation.list,
      suspensionList: statusEntries(ctx, row).suspension.list,
      did: `${origin}/.well-known/did.json`,
      checkpoint: `${origin}/v1/log/checkpoint`,
    },
  };
}

/** A provider's labelled offers, each with the history of its labels. */
export async function getRegistryProvider(ctx: Context, providerId: string) {
  const rows = await repo.registryOffersOfProvider(ctx.store.db, providerId);
  if (rows.length === 0) throw notFound(`registry entry for provider ${providerId}`);
  const now = ctx.clock();
  const labels = await repo.labelsOfOffers(
    ctx.store.db,
    rows.map((r) => r.offer_id),
  );
  const labelsByOffer = new Map<string, typeof labels>();
  for (const l of labels) labelsByOffer.set(l.offer_id, [...(labelsByOffer.get(l.offer_id) ?? []), l]);
  const newest = rows.reduce((a, b) => (b.updated_at > a.updated_at ? b : a));
  const entry = presentEntry(ctx, newest, now);
  return {
    provider: entry.provider,
    links: { self: registryLinks(ctx, newest).provider },
    offers: rows.map((row) => ({
      ...presentEntry(ctx, row, now),
      labels: (labelsByOffer.get(row.offer_id) ?? []).map((l) => ({
        id: l.id,
        level: l.level,
        state: publicState(l, now),
        stateReason: l.state_reason,
        validFrom: l.valid_from,
        validUntil: l.valid_until,
        referential: { id: l.referential_id, version: l.referential_version },
        credentialDigest: l.credential_digest,
        current: l.id === row.label_id,
        links: {
          label: `${ctx.issuer.origin}/v1/labels/${l.id}`,
          credential: `${ctx.issuer.origin}/v1/labels/${l.id}/credential`,
        },
      })),
    })),
  };
}

/**
 * The whole registry as JSON or CSV (RFC 4180, header row, CRLF). Returns the version first so an
 * adapter can answer a conditional request before streaming anything.
 */
export async function exportRegistry(ctx: Context, format: ExportFormat) {
  const now = ctx.clock();
  const version = await registryVersion(ctx, now);
  return {
    version,
    etag: etagOf(`${format}|${version}`),
    contentType:
      format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/json; charset=utf-8',
    chunks: () => exportChunks(ctx, format, now),
  };
}

/** The whole registry, signed, for offline readers (see ./registry-snapshot.ts for the format and its check). */
export async function registrySnapshot(ctx: Context): Promise<{ jws: string; etag: string }> {
  const now = ctx.clock();
  const version = await registryVersion(ctx, now);
  const slot = Math.floor(now.getTime() / SNAPSHOT_RESIGN_MS);
  const key = `${version}|${slot}|${ctx.issuer.keys.activeKey().kid}`;
  // One entry: a snapshot of a large registry weighs tens of megabytes.
  const jws = await memo(cacheOf<Promise<string>>(ctx, 'registry.snapshot', 1), key, () =>
    signSnapshot(ctx, now),
  );
  return { jws, etag: etagOf(`snapshot|${key}`) };
}

function etagOf(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}

/**
 * Every row, read in batches outside a transaction (one would hold SQLite's only connection for the whole
 * read); a write in the middle shows as a new generation, and the read starts over.
 */
async function snapshotOffers(ctx: Context, now: Date): Promise<SnapshotOffer[]> {
  for (let attempt = 0; ; attempt++) {
    const before = await repo.registryVersion(ctx.store.db, now.toISOString());
    const offers = await readOffers(ctx, now);
    const after = await repo.registryVersion(ctx.store.db, now.toISOString());
    if (after.generation === before.generation && after.epoch === before.epoch) return offers;
    if (attempt === 4) throw new Error('the registry kept changing while its snapshot was read');
  }
}

/** The stored SEAL profile; null when absent or unreadable, so that a gate reports it unproven. */
function sealProfileOf(json: string | null | undefined): SealProfile | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as SealProfile;
  } catch {
    return null;
  }
}

/** Every registry offer as the snapshot (and the placement engine) sees it, read in keyset batches. */
export async function readOffers(ctx: Context, now: Date): Promise<SnapshotOffer[]> {
  const db = ctx.store.db;
  const offers: SnapshotOffer[] = [];
  let after: string | null = null;
  for (;;) {
    const rows = await repo.registryBatch(db, after, 2000);
    for (const row of rows) {
      offers.push({
        offer: { id: row.offer_id, name: row.offer_name, serviceModel: row.service_model },
        provider: { id: row.provider_id, name: row.provider_name },
        level: row.level,
        state: publicState(row, now),
        validUntil: row.valid_until,
        regions: JSON.parse(row.regions),
        labelId: row.label_id,
        credentialDigest: row.credential_digest,
        status: statusEntries(ctx, row),
        certifications: JSON.parse(row.certifications),
        seal: sealProfileOf(row.seal_profile),
      });
    }
    if (rows.length < 2000) return offers;
    after = rows.at(-1)!.offer_id;
  }
}

async function signSnapshot(ctx: Context, now: Date): Promise<string> {
  const db = ctx.store.db;
  const offers = await snapshotOffers(ctx, now);
  const referentials = (await repo.publishedReferentials(db)).map((r) => ({
    id: r.id,
    version: r.version,
    digest: r.digest,
  }));
  const checkpoint = await latestCheckpoint(db);
  const payload: RegistrySnapshot = {
    issuer: ctx.issuer.did,
    generatedAt: now.toISOString(),
    referentials,
    offers,
    checkpoint: checkpoint?.note ?? null,
  };
  const key = ctx.issuer.keys.activeKey();
  return signCompact(
    { alg: SIGNING_ALG, kid: `${ctx.issuer.did}#${key.kid}`, typ: REGISTRY_SNAPSHOT_TYP },
    JSON.stringify(payload),
    (input) => ctx.issuer.keys.sign(key.kid, input),
  );
}
