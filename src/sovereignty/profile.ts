/**
 * The SEAL profile the registry keeps per offer: SEAL bounds per objective, from the shipped EU Cloud
 * Sovereignty Framework referential. Computed when a registry row is written (the read model is rebuilt
 * when that referential changes version), in brief mode: bounds only, about half a millisecond.
 */
import type { Declaration } from '../declaration/types.js';
import type { CompiledReferential } from '../referential/compile.js';
import { loadReferential } from '../referential/load.js';
import { assessSovereignty, sealProfile } from './assess.js';
import { SOVEREIGNTY_REFERENTIAL_ID } from './index.js';
import type { SealProfile } from './types.js';

let referential: CompiledReferential | null | undefined;

function csf(): CompiledReferential | null {
  if (referential === undefined) {
    try {
      referential = loadReferential(SOVEREIGNTY_REFERENTIAL_ID);
    } catch {
      // A deployment without the framework's referential simply has no SEAL profiles.
      referential = null;
    }
  }
  return referential;
}

/** SEAL bounds per objective as of `date`, or null when the framework's referential is not shipped. */
export function registrySealProfile(declaration: Declaration, date: string): SealProfile | null {
  const r = csf();
  if (!r) return null;
  return sealProfile(assessSovereignty(r, declaration, { date, lang: 'en', brief: true }));
}

/** The objectives of the shipped framework, for parsing gates where no catalogue is at hand. */
export function shippedObjectives(): string[] {
  return (csf()?.document.objectives ?? []).map((o) => o.id);
}
