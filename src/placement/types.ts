/**
 * Shapes of the placement domain: the registry entries a decision relies on, the data classes it applies
 * and the decision itself. Types only, so the offline scanner and the verifier import them for free.
 */
import type { CriterionSource, I18n, Lang } from '../referential/types.js';
import type { SealProfile } from '../sovereignty/types.js';

export type { I18n, Lang };

export interface PlacementRegion {
  code: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  city?: string;
}

export interface StatusEntry {
  /** URL of the Bitstring Status List credential. */
  list: string;
  index: number;
}

/**
 * A labelled offer as the public registry (or its signed snapshot) shows it. Structurally the snapshot's
 * `SnapshotOffer`, plus the certifications the provider declares (absent from older snapshots: unknown).
 */
export interface PlacementOffer {
  offer: { id: string; name: string; serviceModel: string };
  provider: { id: string; name: string };
  level: string;
  /** Public state: active, suspended, revoked or expired. */
  state: string;
  validUntil: string;
  regions: PlacementRegion[];
  certifications?: Array<{ scheme: string; status: string }>;
  /**
   * SEAL bounds per EU Cloud Sovereignty Framework objective, as the registry keeps them; absent or null
   * when the registry consulted does not say (older snapshots): a SEAL gate is then undetermined.
   */
  seal?: SealProfile | null;
  labelId: string;
  credentialDigest: string;
  status: { revocation: StatusEntry; suspension: StatusEntry };
}

export type DataClassOrigin =
  | { kind: 'referential'; referential: { id: string; version: string } }
  | { kind: 'organisation'; organisationId: string };

/** A data class with its requirements resolved (parameters expanded, `extends` merged). */
export interface DataClass {
  id: string;
  title: I18n;
  description?: I18n;
  origin: DataClassOrigin;
  extends?: string;
  /** Lowest label level; null: no label needed. */
  minimumLevel: string | null;
  /** Allowed countries (sorted); null: anywhere. */
  territories: string[] | null;
  /** How the territories were written (`FR`, `params.eeaCountries`), for explanations. */
  territoryTokens: string[] | null;
  certifications: string[];
  sources: CriterionSource[];
  /** SHA-256 hex of the RFC 8785 JSON of id, origin and requirements: what a receipt pins. */
  digest: string;
}

/** Where a resource would be placed, as a provider's region resolves it (see src/regions/). */
export interface PlacementLocation {
  /** Region catalogue provider key (aws, outscale…), when known. */
  provider?: string;
  code: string;
  /** Every country the location may put data in (a multi-region lists several). */
  countries: string[];
  city?: string;
}

export type Requirement = 'offer' | 'region' | 'label' | 'territory' | 'certification' | 'sovereignty';
export type CheckStatus = 'pass' | 'fail';

/** One requirement's verdict, as a code with parameters; ./explain.ts turns it into French or English. */
export interface Check {
  requirement: Requirement;
  status: CheckStatus;
  code: string;
  params: Record<string, string | number | string[]>;
}

export interface Candidate {
  offerId: string;
  region: PlacementRegion | PlacementLocation;
  allowed: boolean;
  checks: Check[];
}

export type Outcome = 'allowed' | 'denied';

export type PlacementTarget =
  /** Where may this class go? Eligible offers and regions, best first. */
  | { kind: 'any'; limit?: number }
  /** This offer (in one of its declared regions, or in any). */
  | { kind: 'offer'; offerId: string; region?: string }
  /** A provider's region, resolved to a location and the registry offers linked to it. */
  | { kind: 'location'; location: PlacementLocation; offerIds: readonly string[] };

export interface Decision {
  outcome: Outcome;
  dataClass: string;
  /** The verdicts that decide: the chosen candidate's, or the best refused one's. */
  checks: Check[];
  /** Candidates considered, allowed ones first and best first. */
  candidates: Candidate[];
  /** For `any`: how many (offer, region) pairs are eligible in all. */
  eligible?: number;
}
