/**
 * A tender-style SEAL gate: "at least SEAL-3 on SOV-2 and SOV-3" (`SOV-2:3,SOV-3:3`). Pure functions any
 * module can call: the registry search filters on it, placement decisions can require it. An offer passes
 * when every objective's proven SEAL (the lower bound) reaches the minimum, fails when one cannot reach
 * it (the upper bound is below), and is undetermined otherwise, with the criteria that would settle it.
 */
import type { Range, SealProfile, SovereigntyAssessment } from './types.js';

export interface SealRequirement {
  objective: string;
  minimum: number;
}

export type SealGate = SealRequirement[];

export type GateStatus = 'pass' | 'fail' | 'undetermined';

export interface GateOutcome {
  status: GateStatus;
  requirements: Array<
    SealRequirement & {
      status: GateStatus;
      seal: Range | null;
      /** For a failure or an undetermined result: the criteria holding the objective below the minimum. */
      criteria: string[];
    }
  >;
}

export class SealGateError extends Error {
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super('invalid SEAL gate');
    this.name = 'SealGateError';
  }
}

const ITEM = /^(SOV-\d+)\s*:\s*(?:SEAL-?)?([0-4])$/i;

/**
 * Parses `SOV-2:3,SOV-3:3` (also `SOV-2:SEAL-3`, repeated or comma-separated values). `objectives` lists
 * the known objective ids; a requirement repeated for one objective keeps the strictest minimum.
 */
export function parseSealGate(
  input: string | readonly string[] | undefined,
  objectives: readonly string[],
  path = 'seal',
): SealGate {
  const raw = input === undefined ? [] : typeof input === 'string' ? [input] : input;
  const items = raw
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const issues: Array<{ path: string; message: string }> = [];
  const minimum = new Map<string, number>();
  for (const item of items) {
    const m = ITEM.exec(item);
    if (!m) {
      issues.push({ path, message: `"${item}" is not OBJECTIVE:LEVEL (e.g. SOV-2:3, levels 0 to 4)` });
      continue;
    }
    const objective = m[1]!.toUpperCase();
    if (!objectives.includes(objective)) {
      issues.push({ path, message: `"${objective}" is not an objective (${objectives.join(', ')})` });
      continue;
    }
    minimum.set(objective, Math.max(minimum.get(objective) ?? 0, Number(m[2])));
  }
  if (issues.length > 0) throw new SealGateError(issues);
  return objectives.filter((o) => minimum.has(o)).map((o) => ({ objective: o, minimum: minimum.get(o)! }));
}

export function formatSealGate(gate: SealGate): string {
  return gate.map((r) => `${r.objective}:${r.minimum}`).join(',');
}

/** Checks a gate against an assessment (criteria named) or a stored SEAL profile (bounds only). */
export function checkSealGate(subject: SovereigntyAssessment | SealProfile, gate: SealGate): GateOutcome {
  const assessment = isAssessment(subject) ? subject : undefined;
  const requirements = gate.map((r) => {
    const objective = assessment?.objectives.find((o) => o.id === r.objective);
    const seal = objective ? objective.seal : ((subject as SealProfile)[r.objective] ?? null);
    const status: GateStatus =
      seal === null
        ? 'undetermined'
        : seal.min >= r.minimum
          ? 'pass'
          : seal.max < r.minimum
            ? 'fail'
            : 'undetermined';
    const criteria =
      status === 'pass' || !objective
        ? []
        : objective.criteria.filter((c) => c.seal.min < r.minimum).map((c) => c.id);
    return { ...r, status, seal: seal ? { ...seal } : null, criteria };
  });
  const status: GateStatus = requirements.some((r) => r.status === 'fail')
    ? 'fail'
    : requirements.every((r) => r.status === 'pass')
      ? 'pass'
      : 'undetermined';
  return { status, requirements };
}

function isAssessment(subject: SovereigntyAssessment | SealProfile): subject is SovereigntyAssessment {
  return Array.isArray((subject as SovereigntyAssessment).objectives);
}
