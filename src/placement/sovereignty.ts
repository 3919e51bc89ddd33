/**
 * The `sovereignty` requirement of a placement: a SEAL gate checked against the SEAL bounds the registry
 * keeps per offer. Only a proven level passes; below or left open by the facts fails, naming the objectives.
 */
import { checkSealGate, formatSealGate, type SealGate } from '../sovereignty/gate.js';
import type { SealProfile } from '../sovereignty/types.js';
import type { Check } from './types.js';

export interface CompiledGate {
  gate: SealGate;
  /** `SOV-2:3,SOV-3:3`: the gate as the receipt and the cache keys name it. */
  text: string;
}

export function compileGate(seal: SealGate | undefined): CompiledGate | null {
  return seal === undefined || seal.length === 0 ? null : { gate: seal, text: formatSealGate(seal) };
}

/** `SOV-2:1-2`: an objective with the SEAL bounds the registry holds for it. */
const bounds = (r: { objective: string; seal: { min: number; max: number } | null }) =>
  r.seal === null ? r.objective : `${r.objective}:${r.seal.min}-${r.seal.max}`;

/** The `sovereignty` requirement of a gate against an offer's SEAL profile (undefined/null: unknown). */
export function sovereigntyCheck(g: CompiledGate, profile: SealProfile | null | undefined): Check {
  if (profile === undefined || profile === null)
    return {
      requirement: 'sovereignty',
      status: 'fail',
      code: 'sovereignty.unknown',
      params: { gate: g.text },
    };
  const outcome = checkSealGate(profile, g.gate);
  if (outcome.status === 'pass')
    return {
      requirement: 'sovereignty',
      status: 'pass',
      code: 'sovereignty.met',
      params: { gate: g.text, met: outcome.requirements.map(bounds) },
    };
  const below = outcome.requirements.filter((r) => r.status === 'fail').map(bounds);
  const unproven = outcome.requirements.filter((r) => r.status === 'undetermined').map(bounds);
  return {
    requirement: 'sovereignty',
    status: 'fail',
    code: below.length > 0 ? 'sovereignty.below' : 'sovereignty.unproven',
    params: { gate: g.text, below, unproven },
  };
}
