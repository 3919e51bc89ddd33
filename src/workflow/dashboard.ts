/**
 * The public dashboard's figures: labels in force by level, country, region and service model;
 * applications by state; the median time applications spent in each workflow state; revocations by month.
 * Aggregates only — no organisation, person or application is named — so the figures are public.
 *
 * Labels are read from the registry's read model; workflow figures from the audit trail, which records
 * every application transition with its time (src/workflow/applications.ts). Results are cached per
 * (registry version, last audit entry): any change by any process yields new figures on the next read.
 */
import { LABEL_LEVELS, SERVICE_MODELS } from '../credentials/label-credential.js';
import type { ApplicationState } from './applications.js';
import type { Context } from './context.js';
import { publicState } from './labels.js';
import { cacheOf, memo } from './registry/cache.js';
import type { RegistryRegion } from './registry/refresh.js';
import { registryVersion } from './registry.js';

export const APPLICATION_STATES: readonly ApplicationState[] = [
  'submitted',
  'in-review',
  'reviewed',
  'granted',
  'refused',
  'withdrawn',
];
/** States an application leaves: the time spent in them is a workflow delay. */
const TIMED_STATES: readonly ApplicationState[] = ['submitted', 'in-review', 'reviewed'];

export interface Count {
  key: string;
  count: number;
}

export interface DashboardFigures {
  generatedAt: string;
  /** Labels whose public state is `active` (valid today, neither suspended nor revoked). */
  labelsInForce: number;
  byLevel: Count[];
  byCountry: Count[];
  /** `key` is the region code; `country` its country. */
  byRegion: Array<Count & { country: string }>;
  byServiceModel: Count[];
  applicationsByState: Count[];
  /** Median days spent in a state by applications that left it; `count` stays measured. */
  medianDaysInState: Array<{ state: ApplicationState; medianDays: number | null; count: number }>;
  /** Revocations by month (`YYYY-MM`, UTC), renewals' supersessions excepted; months without any included. */
  revocationsByMonth: Count[];
}

export async function dashboardFigures(ctx: Context): Promise<DashboardFigures> {
  const now = ctx.clock();
  const [version, lastAudit] = await Promise.all([
    registryVersion(ctx, now),
    ctx.store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst(),
  ]);
  // The day is part of the key: "in force" and the current month move with the clock.
  const key = `${version}|${lastAudit?.id ?? 0}|${now.toISOString().slice(0, 10)}`;
  return memo(cacheOf<Promise<DashboardFigures>>(ctx, 'dashboard', 4), key, () => compute(ctx, now));
}

function counted(map: Map<string, number>, order?: readonly string[]): Count[] {
  const entries = [...map].map(([key, count]) => ({ key, count }));
  if (order) return order.map((key) => ({ key, count: map.get(key) ?? 0 }));
  return entries.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function compute(ctx: Context, now: Date): Promise<DashboardFigures> {
  const db = ctx.store.db;
  const [rows, applications, transitions, revocations] = await Promise.all([
    db
      .selectFrom('registry_offers')
      .select(['level', 'service_model', 'countries', 'regions', 'state', 'valid_from', 'valid_until'])
      .execute(),
    db
      .selectFrom('applications')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute(),
    db
      .selectFrom('audit_events')
      .select(['subject_id', 'at', 'after'])
      .where('subject_type', '=', 'application')
      .orderBy('subject_id')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('audit_events')
      .select(['at', 'after'])
      .where('subject_type', '=', 'label')
      .where('action', '=', 'label.revoked')
      .orderBy('id')
      .execute(),
  ]);

  const byLevel = new Map<string, number>();
  const byCountry = new Map<string, number>();
  const byRegion = new Map<string, number>();
  const regionCountry = new Map<string, string>();
  const byModel = new Map<string, number>();
  let inForce = 0;
  for (const row of rows) {
    if (publicState(row, now) !== 'active') continue;
    inForce += 1;
    bump(byLevel, row.level);
    bump(byModel, row.service_model);
    for (const c of JSON.parse(row.countries) as string[]) bump(byCountry, c);
    for (const r of JSON.parse(row.regions) as RegistryRegion[]) {
      bump(byRegion, r.code);
      regionCountry.set(r.code, r.country);
    }
  }

  const states = new Map(applications.map((a) => [a.state, Number(a.n)]));

  // Stays: from the entry that put an application in a state to the next entry that changed it.
  const stays = new Map<string, number[]>(TIMED_STATES.map((s) => [s, []]));
  let current: { id: string; state: string | undefined; since: number } | undefined;
  for (const t of transitions) {
    const state = (JSON.parse(t.after ?? '{}') as { state?: string }).state;
    const at = Date.parse(t.at);
    if (!current || current.id !== t.subject_id) {
      current = { id: t.subject_id, state, since: at };
      continue;
    }
    if (state === undefined || state === current.state) continue;
    if (current.state) stays.get(current.state)?.push((at - current.since) / 86_400_000);
    current = { id: t.subject_id, state, since: at };
  }

  const months = new Map<string, number>();
  for (const r of revocations) {
    const reason = (JSON.parse(r.after ?? '{}') as { reason?: string }).reason ?? '';
    if (reason.startsWith('superseded by')) continue;
    bump(months, r.at.slice(0, 7));
  }
  const revocationsByMonth: Count[] = [];
  const keys = [...months.keys()].sort();
  if (keys.length > 0) {
    // Every month from the first revocation to this one, so that quiet months show as zero.
    const end = now.toISOString().slice(0, 7);
    for (let m = keys[0]!; m <= end; m = nextMonth(m)) {
      revocationsByMonth.push({ key: m, count: months.get(m) ?? 0 });
    }
  }

  return {
    generatedAt: now.toISOString(),
    labelsInForce: inForce,
    byLevel: counted(byLevel, LABEL_LEVELS),
    byCountry: counted(byCountry),
    byRegion: counted(byRegion).map((c) => ({ ...c, country: regionCountry.get(c.key) ?? '' })),
    byServiceModel: counted(byModel, [...SERVICE_MODELS].sort()),
    applicationsByState: counted(states, APPLICATION_STATES),
    medianDaysInState: TIMED_STATES.map((state) => {
      const values = stays.get(state) ?? [];
      return { state, medianDays: median(values), count: values.length };
    }),
    revocationsByMonth,
  };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
