/**
 * Placement decisions, in process, over 10,000 generated labelled offers (1,000 with --quick):
 * - `placement.decide.p99`: 99th percentile of one decision (class, offer, region) with its per-requirement
 *   reasons, each call timed alone over 10,000 seeded random questions; target 20 µs;
 * - `placement.list.p99`: the same for "where may this class go?" (eligible offers, best first);
 * - `placement.cedar.speedup`: our decisions per second over the same rule as a Cedar policy
 *   (@cedar-policy/cedar-wasm, preparsed policy set, stateful API) on the same questions, same run;
 *   target ≥ 5; both answer the 10,000 questions identically (`placement.cedar.mismatches`, target 0).
 * Cedar receives only the two entities a question needs (built before timing), its fairest use.
 */
import { performance } from 'node:perf_hooks';
import { organisationDataClass, referentialDataClasses } from '../src/placement/classes.js';
import { PlacementEngine } from '../src/placement/engine.js';
import type { DataClass, PlacementOffer } from '../src/placement/types.js';
import { loadReferential } from '../src/referential/load.js';
import {
  type CedarEntity,
  cedarAllows,
  prepareCedar,
  principalEntity,
  resourceEntity,
} from '../test/placement/cedar-oracle.js';
import { type BenchContext, percentile, seededRandom } from './harness.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const REGIONS: Array<[string, string]> = [
  ['fr-par-1', 'FR'],
  ['fr-par-2', 'FR'],
  ['fr-lil-1', 'FR'],
  ['fr-mrs-1', 'FR'],
  ['de-fra-1', 'DE'],
  ['nl-ams-1', 'NL'],
  ['no-osl-1', 'NO'],
  ['us-east-1', 'US'],
  ['ch-zrh-1', 'CH'],
];

export function generateOffers(count: number, random: () => number): PlacementOffer[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const offers: PlacementOffer[] = [];
  for (let i = 0; i < count; i++) {
    const regions = new Map<string, { code: string; country: string }>();
    const n = 1 + Math.floor(random() * 3);
    while (regions.size < n) {
      const [code, country] = pick(REGIONS);
      regions.set(code, { code, country });
    }
    const certRoll = random();
    offers.push({
      offer: { id: `offer-${i}`, name: `Offer ${i}`, serviceModel: pick(['IaaS', 'PaaS', 'SaaS']) },
      provider: { id: `provider-${i % 500}`, name: `Provider ${i % 500}` },
      level: pick(['baseline', 'eu-data', 'eu-data', 'trusted']),
      state: pick(['active', 'active', 'active', 'active', 'suspended', 'revoked']),
      validUntil: random() < 0.05 ? '2026-06-01T00:00:00Z' : '2029-06-01T00:00:00Z',
      regions: [...regions.values()],
      ...(certRoll < 0.1
        ? {}
        : {
            certifications: [
              { scheme: 'ISO27001', status: 'certified' },
              ...(certRoll < 0.4 ? [{ scheme: 'HDS', status: pick(['certified', 'J0']) }] : []),
            ],
          }),
      labelId: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      credentialDigest: 'c'.repeat(64),
      status: {
        revocation: { list: 'https://label.example/v1/status-lists/r', index: 2 * i },
        suspension: { list: 'https://label.example/v1/status-lists/s', index: 2 * i + 1 },
      },
    });
  }
  return offers;
}

export default async function placementBench(ctx: BenchContext) {
  const count = ctx.quick ? 1000 : 10_000;
  const questions = 10_000;
  const random = seededRandom(5);
  const referential = loadReferential();
  const levels = referential.levelOrder;
  const doc = referential.document;
  const base = referentialDataClasses(doc);
  const classes: DataClass[] = [
    ...base,
    organisationDataClass('hr', { title: 'HR', extends: 'personal', territories: ['FR'] }, 'org', doc, base),
  ];
  const offers = generateOffers(count, random);

  const built = performance.now();
  const engine = new PlacementEngine({ offers, levelOrder: levels, now: NOW });
  const buildMs = performance.now() - built;

  // Questions: mostly covered regions, some uncovered, a few unknown offers.
  const qs: Array<{ cls: DataClass; offerId: string; region: string }> = [];
  for (let i = 0; i < questions; i++) {
    const o = offers[Math.floor(random() * offers.length)]!;
    const roll = random();
    const offerId = roll < 0.02 ? `ghost-${i}` : o.offer.id;
    const region =
      roll < 0.15
        ? REGIONS[Math.floor(random() * REGIONS.length)]![0]
        : o.regions[Math.floor(random() * o.regions.length)]!.code;
    qs.push({ cls: classes[Math.floor(random() * classes.length)]!, offerId, region });
  }

  // Warm up, then time each decision alone.
  for (let round = 0; round < 3; round++)
    for (const q of qs) engine.decide(q.cls, { kind: 'offer', offerId: q.offerId, region: q.region });
  const samples: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const q of qs) {
      const t0 = process.hrtime.bigint();
      engine.decide(q.cls, { kind: 'offer', offerId: q.offerId, region: q.region });
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    ctx.progress('placement decisions', pass + 1, 3);
  }
  ctx.report({
    name: 'placement.decide.p99',
    value: round(percentile(samples, 99)),
    unit: 'µs',
    target: 20,
    goal: 'max',
    details: {
      offers: count,
      questions: qs.length * 3,
      p50: round(percentile(samples, 50)),
      p999: round(percentile(samples, 99.9)),
      engineBuildMs: round(buildMs),
    },
  });

  const list: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const cls = classes[i % classes.length]!;
    const t0 = process.hrtime.bigint();
    engine.decide(cls, { kind: 'any', limit: 20 });
    list.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  ctx.report({
    name: 'placement.list.p99',
    value: round(percentile(list, 99)),
    unit: 'µs',
    target: 20,
    goal: 'max',
    details: {
      p50: round(percentile(list, 50)),
      note: 'first call per class sorts the eligible pairs (cached per registry version)',
    },
  });

  // The same rule in Cedar, on the same questions.
  prepareCedar();
  const byId = new Map(offers.map((o) => [o.offer.id, o]));
  const principals = new Map(classes.map((c) => [c, principalEntity(c, levels)]));
  const entities: Array<[CedarEntity, CedarEntity]> = qs.map((q) => [
    principals.get(q.cls)!,
    resourceEntity(byId.get(q.offerId), q.region, levels, NOW),
  ]);
  let mismatches = 0;
  let allowed = 0;
  for (let i = 0; i < qs.length; i++) {
    const q = qs[i]!;
    const ours =
      engine.decide(q.cls, { kind: 'offer', offerId: q.offerId, region: q.region }).outcome === 'allowed';
    const theirs = cedarAllows(entities[i]![0], entities[i]![1]);
    if (ours !== theirs) mismatches++;
    if (ours) allowed++;
  }
  ctx.report({
    name: 'placement.cedar.mismatches',
    value: mismatches,
    unit: 'questions',
    target: 0,
    goal: 'max',
    details: { questions: qs.length, allowed },
  });

  const seconds = ctx.quick ? 0.5 : 1.5;
  const oursRate = timedRate(seconds, (i) => {
    const q = qs[i % qs.length]!;
    engine.decide(q.cls, { kind: 'offer', offerId: q.offerId, region: q.region });
  });
  const cedarRate = timedRate(seconds, (i) => {
    const e = entities[i % entities.length]!;
    cedarAllows(e[0], e[1]);
  });
  ctx.report({
    name: 'placement.cedar.speedup',
    value: round(oursRate / cedarRate),
    unit: '×',
    target: 5,
    goal: 'min',
    details: { oursPerSecond: Math.round(oursRate), cedarPerSecond: Math.round(cedarRate) },
  });
}

/** Operations per second of a synchronous call, for about `seconds`. */
function timedRate(seconds: number, fn: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) fn(i);
  let i = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let k = 0; k < 256; k++) fn(i++);
    now = performance.now();
  }
  return (i / (now - start)) * 1000;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
