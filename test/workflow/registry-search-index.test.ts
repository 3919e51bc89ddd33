/**
 * The in-memory search index against a naive oracle (filter, count, sort the rows in plain JavaScript),
 * on random offers, random searches, and after random replacements and removals (the incremental paths).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../bench/harness.js';
import {
  FACET_NAMES,
  type FacetName,
  type IndexQuery,
  type IndexRow,
  type PublicState,
  RegistrySearchIndex,
} from '../../src/workflow/registry/search-index.js';

const NOW = Date.parse('2026-11-29T10:00:00.000Z');
const LEVELS = ['baseline', 'eu-data', 'trusted'];
const WORDS = ['cloud', 'clou', 'sante', 'stockage', 'souverain', 'paris', 'data', 'dat'];

function randomRow(rand: () => number, id: string): IndexRow {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [
    ...new Set(Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(list))),
  ];
  const rank = Math.floor(rand() * 3);
  return {
    offerId: id,
    providerId: pick(['p1', 'p2', 'p3', 'p4']),
    level: LEVELS[rank]!,
    levelRank: rank,
    serviceModel: pick(['IaaS', 'PaaS', 'SaaS']),
    state: pick(['active', 'active', 'suspended', 'revoked'] as const),
    validUntil: NOW + Math.floor((rand() - 0.3) * 10) * 86_400_000,
    sortName: `${pick(WORDS)} ${pick(WORDS)}`,
    countries: some(['FR', 'DE', 'US'], 2),
    certifications: some(['HDS:certified', 'SecNumCloud:qualified', 'SecNumCloud:J0'], 2),
    terms: some(WORDS, 3),
  };
}

function publicState(r: IndexRow, now: number): PublicState {
  return r.state === 'revoked' ? 'revoked' : r.validUntil <= now ? 'expired' : r.state;
}

function oracle(rows: IndexRow[], q: IndexQuery) {
  const tests: Record<FacetName | 'words', (r: IndexRow) => boolean> = {
    words: (r) => q.words.every((w) => r.terms.some((t) => t.startsWith(w))),
    level: (r) => q.level.length === 0 || q.level.includes(r.level),
    serviceModel: (r) => q.serviceModel.length === 0 || q.serviceModel.includes(r.serviceModel),
    provider: (r) => q.provider.length === 0 || q.provider.includes(r.providerId),
    state: (r) => q.state.length === 0 || q.state.includes(publicState(r, q.now)),
    country: (r) => q.country.length === 0 || r.countries.some((c) => q.country.includes(c)),
    certification: (r) =>
      q.certification.length === 0 ||
      r.certifications.some((c) => q.certification.some((f) => c === f || c.startsWith(`${f}:`))),
  };
  const passes = (r: IndexRow, except?: FacetName) =>
    Object.entries(tests).every(([name, test]) => name === except || test(r));
  const matching = rows.filter((r) => passes(r));
  const valuesOf: Record<FacetName, (r: IndexRow) => readonly string[]> = {
    level: (r) => [r.level],
    serviceModel: (r) => [r.serviceModel],
    provider: (r) => [r.providerId],
    state: (r) => [publicState(r, q.now)],
    country: (r) => r.countries,
    certification: (r) => r.certifications,
  };
  const facets = Object.fromEntries(
    FACET_NAMES.map((f) => {
      const counts = new Map<string, number>();
      for (const r of rows.filter((r) => passes(r, f)))
        for (const v of valuesOf[f](r)) counts.set(v, (counts.get(v) ?? 0) + 1);
      return [f, Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))];
    }),
  );
  const cmp: Record<IndexQuery['sort'], (a: IndexRow, b: IndexRow) => number> = {
    name: (a, b) =>
      a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.offerId < b.offerId ? -1 : 1,
    level: (a, b) => b.levelRank - a.levelRank || cmp.name(a, b),
    validUntil: (a, b) => a.validUntil - b.validUntil || (a.offerId < b.offerId ? -1 : 1),
  };
  const sorted = matching.sort(cmp[q.sort]);
  if (q.descending) sorted.reverse();
  return {
    total: matching.length,
    offerIds: sorted.slice(q.offset, q.offset + q.limit).map((r) => r.offerId),
    facets,
  };
}

describe('registry search index', () => {
  it('agrees with a naive oracle, before and after replacements and removals', () => {
    const rand = seededRandom(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const maybe = <T>(list: readonly T[]): T[] =>
      rand() < 0.3 ? [pick(list)] : rand() < 0.1 ? [pick(list), pick(list)] : [];
    const rows = new Map<string, IndexRow>();
    const index = new RegistrySearchIndex();
    for (let i = 0; i < 1500; i++) {
      const row = randomRow(rand, `o${i}`);
      rows.set(row.offerId, row);
      index.upsert(row);
    }
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < 300; k++) {
        const q: IndexQuery = {
          words: rand() < 0.3 ? [pick(['cl', 'clou', 'sa', 's', 'dat', 'zz'])] : [],
          level: maybe(LEVELS),
          serviceModel: maybe(['IaaS', 'SaaS']),
          provider: maybe(['p1', 'p2', 'p9']),
          state: maybe(['active', 'suspended', 'revoked', 'expired'] as const),
          country: maybe(['FR', 'US']),
          certification: maybe(['HDS', 'SecNumCloud', 'SecNumCloud:J0']),
          now: NOW + Math.floor(rand() * 5) * 86_400_000,
          sort: pick(['name', 'level', 'validUntil'] as const),
          descending: rand() < 0.3,
          limit: pick([1, 5, 20]),
          offset: pick([0, 0, 3, 40]),
          facetLimit: 100,
        };
        const got = index.search(q);
        const want = oracle([...rows.values()], q);
        assert.equal(got.total, want.total, JSON.stringify(q));
        assert.deepEqual(got.offerIds, want.offerIds, JSON.stringify(q));
        assert.deepEqual(
          Object.fromEntries(Object.entries(got.facets).map(([f, c]) => [f, Object.fromEntries(c)])),
          want.facets,
          JSON.stringify(q),
        );
      }
      // Replace some rows, remove others, add new ones: the incremental paths of a running server.
      for (let k = 0; k < 200; k++) {
        const id = `o${Math.floor(rand() * 1700)}`;
        if (rand() < 0.25) {
          rows.delete(id);
          index.remove(id);
        } else {
          const row = randomRow(rand, id);
          rows.set(id, row);
          index.upsert(row);
        }
      }
      assert.equal(index.size, rows.size);
    }
  });

  it('lists the most frequent values first and at most facetLimit of them', () => {
    const index = new RegistrySearchIndex();
    const rand = seededRandom(1);
    for (let i = 0; i < 50; i++)
      index.upsert({ ...randomRow(rand, `o${i}`), providerId: `p${i % 7 === 0 ? 0 : i}` });
    const result = index.search({
      words: [],
      level: [],
      serviceModel: [],
      provider: [],
      state: [],
      country: [],
      certification: [],
      now: NOW,
      sort: 'name',
      descending: false,
      limit: 10,
      offset: 0,
      facetLimit: 3,
    });
    assert.equal(result.facets.provider.length, 3);
    assert.deepEqual(result.facets.provider[0], ['p0', 8]);
  });
});
