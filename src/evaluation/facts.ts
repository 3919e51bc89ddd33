/**
 * Facts derived from a declaration before the rules run: what a CEL expression cannot compute cheaply or
 * readably (the ownership look-through) and unions the rules share. Pure; computed once per evaluation.
 */
import type { Declaration } from '../declaration/types.js';
import type { Lang } from '../referential/types.js';
import { formatPath, lookThrough, type OwnershipFacts } from './ownership.js';

export interface DerivedFacts {
  /** null when the declaration has no ownership section yet. */
  ownership: OwnershipView | null;
  regionCountries: string[];
  /** Where customer data lives or is processed: regions, processing, backups. */
  customerDataCountries: string[];
  operationsCountries: string[];
}

export interface OwnershipView {
  nonEu: OwnershipFacts['nonEu'];
  /** Non-EU parties with an effective stake, strongest first. */
  nonEuParties: Array<{ id: string; name: string; country: string; capitalPct: number; votingPct: number }>;
  specialRights: OwnershipFacts['specialRights'];
  /** The look-through paths of the strongest non-EU parties, ready to quote, per language. */
  paths: Record<Lang, string>;
}

export function deriveFacts(declaration: Declaration, euCountries: readonly string[]): DerivedFacts {
  const offer = declaration.offer;
  const regionCountries = uniqueSorted((offer.regions ?? []).map((r) => r.country));
  return {
    ownership: declaration.ownership ? ownershipView(declaration, euCountries) : null,
    regionCountries,
    customerDataCountries: uniqueSorted([
      ...regionCountries,
      ...(offer.processingCountries ?? []),
      ...(offer.backupCountries ?? []),
    ]),
    operationsCountries: uniqueSorted([
      ...(offer.operations?.adminCountries ?? []),
      ...(offer.operations?.supportCountries ?? []),
      ...(offer.operations?.socCountries ?? []),
    ]),
  };
}

function ownershipView(d: Declaration, euCountries: readonly string[]): OwnershipView {
  const facts = lookThrough({
    providerId: d.provider.id,
    entities: [
      { id: d.provider.id, name: d.provider.name, country: d.provider.registeredOffice ?? 'ZZ' },
      ...(d.organisations ?? []),
    ],
    links: (d.ownership ?? []).map((h) => ({
      holder: h.holder,
      held: h.held,
      capitalPct: h.capitalPct,
      ...(h.votingPct !== undefined ? { votingPct: h.votingPct } : {}),
      ...(h.vetoRight !== undefined ? { vetoRight: h.vetoRight } : {}),
      ...(h.appointsBoardMajority !== undefined ? { appointsBoardMajority: h.appointsBoardMajority } : {}),
    })),
    euCountries,
  });
  const nonEu = facts.parties.filter((p) => !p.eu);
  const quoted = nonEu.slice(0, 3);
  const paths = (lang: Lang) =>
    quoted
      .flatMap((p) => (p.capitalPaths.length > 0 ? p.capitalPaths : p.votingPaths).slice(0, 2))
      .map((path) => formatPath(path, lang))
      .join(' ; ');
  return {
    nonEu: facts.nonEu,
    nonEuParties: nonEu.map((p) => ({
      id: p.id,
      name: p.name,
      country: p.country,
      capitalPct: p.capitalPct,
      votingPct: p.votingPct,
    })),
    specialRights: facts.specialRights,
    paths: { fr: paths('fr'), en: paths('en') },
  };
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}
