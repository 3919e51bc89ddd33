/**
 * Ownership look-through on a synthetic group structure of 100,000 organisations and 300,000 holdings
 * (10k / 30k with --quick): layered so that almost everything reaches the provider, ~10 % non-EU,
 * cross-holdings and small cycles, an island of companies holding only each other, and every entity's
 * capital and votes held at most 100 %.
 *
 * Peak heap: lookThrough is synchronous, so a timer cannot sample it; the engine's phase probe is used
 * instead, sampling heapUsed (and the off-heap typed-array buffers, reported alongside) after each phase
 * (graph, control, economic, groups, refine, totals, parties, paths) of runs started after a full GC
 * when one can be triggered; the highest sample is reported.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runLookThrough } from '../src/evaluation/ownership/engine.js';
import type { OwnershipEntity, OwnershipInput, OwnershipLink } from '../src/evaluation/ownership.js';
import { type BenchContext, seededRandom } from './harness.js';

const EU = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT'];
const EU_MORE = ['LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'];
const NON_EU = ['US', 'GB', 'CH', 'CN', 'JP', 'CA', 'SG'];
const MIB = 1024 * 1024;

export function generateGraph(
  organisations: number,
  holdings: number,
  seed: number,
  progress: (done: number) => void = () => {},
): OwnershipInput {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const euCountries = [...EU, ...EU_MORE];

  // Layer 0 is the provider; sizes grow fivefold, then stay flat.
  const island = Math.floor(organisations * 0.005);
  const layered = organisations - island;
  const layers: number[][] = [];
  const layerOf = new Int32Array(organisations);
  let next = 0;
  for (const size of [1, 8, 40, 200, 1000, 5000]) {
    if (next >= layered) break;
    const layer: number[] = [];
    for (let i = 0; i < size && next < layered; i++) layer.push(next++);
    layers.push(layer);
  }
  const flat = Math.max(1, Math.ceil((layered - next) / 7));
  while (next < layered) {
    const layer: number[] = [];
    for (let i = 0; i < flat && next < layered; i++) layer.push(next++);
    layers.push(layer);
  }
  layers.forEach((layer, k) => {
    for (const v of layer) layerOf[v] = k;
  });

  const entities: OwnershipEntity[] = [];
  for (let v = 0; v < organisations; v++) {
    const nonEu = v !== 0 && rand() < 0.1;
    const country = nonEu ? NON_EU[int(NON_EU.length)]! : euCountries[int(euCountries.length)]!;
    entities.push({ id: `org-${String(v).padStart(6, '0')}`, name: `Organisation ${v}`, country });
  }

  const capLeft = new Float64Array(organisations).fill(100);
  const voteLeft = new Float64Array(organisations).fill(100);
  const holdersOf: number[][] = Array.from({ length: organisations }, () => []);
  const links: OwnershipLink[] = [];
  const add = (holder: number, held: number, wanted: number): boolean => {
    const room = Math.min(capLeft[held]!, voteLeft[held]!);
    if (room < 0.5) return false;
    const capital = Math.floor(Math.min(room, wanted) * 100) / 100;
    const link: OwnershipLink = {
      holder: entities[holder]!.id,
      held: entities[held]!.id,
      capitalPct: capital,
    };
    let votes = capital;
    if (rand() < 0.05) {
      // Preference shares or double voting rights.
      votes = Math.floor(Math.min(voteLeft[held]!, capital * (0.2 + 1.8 * rand())) * 100) / 100;
      link.votingPct = votes;
    }
    if (held === 0 && rand() < 0.2) link.vetoRight = true;
    capLeft[held]! -= capital;
    voteLeft[held]! -= votes;
    holdersOf[held]!.push(holder);
    links.push(link);
    if (links.length % 10_000 === 0) progress(links.length);
    return true;
  };
  // Minority stakes shrink where a narrow layer is held by a wide one, so its capacity is shared by
  // all its holders instead of going to the first few, and nearly every organisation gets a way down.
  const stake = (held: number, holder: number) => {
    if (rand() < 0.08) return 51 + 30 * rand();
    const ratio = layers[layerOf[held]!]!.length / layers[layerOf[holder]!]!.length;
    return (1 + 30 * rand()) * Math.min(1, 2 * ratio);
  };
  const below = (v: number): number => {
    const k = layerOf[v]!;
    // Mostly the next layer down, sometimes one further, so chains of different lengths meet.
    const target = layers[k >= 2 && rand() < 0.15 ? k - 2 : k - 1]!;
    return target[int(target.length)]!;
  };
  const holdDown = (v: number): boolean => {
    const held = below(v);
    return add(v, held, stake(held, v));
  };

  for (let v = 1; v < layered; v++) {
    for (let attempt = 0; attempt < 8; attempt++) if (holdDown(v)) break;
  }
  // The island: companies holding one another in rings, with no way to the provider.
  for (let i = 0; i < island; i++) {
    const v = layered + i;
    add(v, layered + ((i + 1) % island), 10 + 40 * rand());
    add(v, layered + int(island), 5 + 10 * rand());
  }
  // Cross-holdings: a company taking a small stake back in one of its holders, or its holder's holder.
  const crossHoldings = Math.floor(holdings * 0.01);
  let made = 0;
  for (let attempt = 0; made < crossHoldings && attempt < crossHoldings * 4; attempt++) {
    const v = 1 + int(layered - 1);
    const up = holdersOf[v]!;
    if (up.length === 0) continue;
    let h = up[int(up.length)]!;
    const upper = holdersOf[h]!;
    if (rand() < 0.3 && upper.length > 0) h = upper[int(upper.length)]!;
    if (h !== v && add(v, h, 1 + 9 * rand())) made++;
  }
  // Further holdings, down the layers, until the count is reached (bounded in case capacity runs out).
  for (let attempt = 0; links.length < holdings && attempt < holdings * 20; attempt++) {
    holdDown(1 + int(layered - 1));
  }
  progress(holdings);
  return { providerId: entities[0]!.id, entities, links, euCountries };
}

function collector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

export default async function ownershipBench(ctx: BenchContext): Promise<void> {
  const organisations = ctx.quick ? 10_000 : 100_000;
  const holdings = ctx.quick ? 30_000 : 300_000;
  const label = `ownership: generating ${organisations} organisations`;
  const input = generateGraph(organisations, holdings, 0x5ec_2024, (done) =>
    ctx.progress(label, done, holdings),
  );
  ctx.progress(label, holdings, holdings);
  const gc = collector();

  // Warm-up on a smaller graph so the timed runs measure compiled code.
  runLookThrough(generateGraph(Math.floor(organisations / 10), Math.floor(holdings / 10), 7));

  const runs = 3;
  const times: number[] = [];
  const cpu: number[] = [];
  const load = loadavg()[0]!;
  let peak = 0;
  // Typed arrays over 64 bytes live outside the JS heap: sampled too, so the figure hides nothing.
  let peakWithBuffers = 0;
  let baseline = Number.POSITIVE_INFINITY;
  const phases: Record<string, number> = {};
  let facts: ReturnType<typeof runLookThrough> | null = null;
  for (let run = 0; run < runs; run++) {
    facts = null;
    gc?.();
    const initial = process.memoryUsage();
    const before = initial.heapUsed;
    baseline = Math.min(baseline, before);
    peak = Math.max(peak, before);
    peakWithBuffers = Math.max(peakWithBuffers, before + initial.arrayBuffers);
    let probing = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    facts = runLookThrough(input, (phase) => {
      const t = performance.now();
      const memory = process.memoryUsage();
      const used = memory.heapUsed;
      peak = Math.max(peak, used);
      peakWithBuffers = Math.max(peakWithBuffers, used + memory.arrayBuffers);
      phases[phase] = Math.max(phases[phase] ?? 0, Math.round((used / MIB) * 10) / 10);
      probing += performance.now() - t;
    });
    times.push(performance.now() - start - probing);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    ctx.progress('ownership: look-through', run + 1, runs);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const parties = facts!.parties;
  const explained = parties.filter((p) => p.capitalPaths.length > 0 || p.votingPaths.length > 0).length;

  ctx.report({
    name: `ownership.lookthrough.${ctx.quick ? '10k' : '100k'}`,
    value: Math.round(median * 10) / 10,
    unit: 'ms',
    target: 3000,
    goal: 'max',
    details: {
      organisations,
      holdings: input.links.length,
      runs: times.map((t) => Math.round(t)),
      statistic: 'median of 3 runs after a warm-up, probe time excluded',
      // Wall time on a shared machine depends on its load; CPU time (all threads, GC included) less so.
      cpuMs: cpu.map((t) => Math.round(t)),
      loadAverage1m: Math.round(load * 100) / 100,
      cpus: availableParallelism(),
      parties: parties.length,
      nonEuParties: parties.filter((p) => !p.eu).length,
      explainedParties: explained,
      nonEu: facts!.nonEu,
      specialRights: facts!.specialRights.length,
    },
  });
  ctx.report({
    name: `ownership.lookthrough.${ctx.quick ? '10k' : '100k'}.heapUsed`,
    value: Math.round((peak / MIB) * 10) / 10,
    unit: 'MiB',
    target: 1024,
    goal: 'max',
    details: {
      method:
        'highest process.memoryUsage().heapUsed sampled after each phase of the synchronous look-through ' +
        `(phase probe), over ${runs} runs each started after ${gc ? 'a full GC' : 'no GC (gc unavailable)'}; ` +
        'includes the generated input held in memory',
      baselineMiB: Math.round((baseline / MIB) * 10) / 10,
      peakAboveBaselineMiB: Math.round(((peak - baseline) / MIB) * 10) / 10,
      peakHeapUsedPlusArrayBuffersMiB: Math.round((peakWithBuffers / MIB) * 10) / 10,
      byPhaseMiB: phases,
    },
  });
}
