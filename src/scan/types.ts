/** What the infrastructure readers extract and what the scan reports. Types only. */
import type { Outcome, PlacementLocation } from '../placement/types.js';

export type InputFormat = 'terraform' | 'kubernetes';

/** Where a resource says it goes: a region or a zone code, and which attribute said so. */
export interface LocationClaim {
  code: string;
  kind: 'region' | 'zone';
  /** Human-readable origin: `zone`, `provider aws (var.aws_region)`, `nodeAffinity topology.kubernetes.io/zone`. */
  from: string;
  line?: number;
}

/** Why a resource's location cannot be told from the input. */
export type UnknownLocation =
  | 'known-after-apply'
  | 'no-region'
  | 'region-from-environment'
  | 'unresolved-expression'
  | 'unconstrained'
  | 'preference-only';

/** Why a resource is no placement: a Terraform data source, a logical provider, a kind holding no data. */
export type SkipReason = 'data-source' | 'logical-provider' | 'no-data-kind' | 'no-placement-found';

export interface ProviderHints {
  /** Terraform provider type (aws, azurerm, google…) and the block's universe_domain when set. */
  terraform?: { type: string; universeDomain?: string };
  /** Kubernetes storage provisioner or CSI topology key. */
  kubernetes?: { provisioner?: string; topologyKey?: string };
}

export interface DataClassClaim {
  /** The class id as written; undefined when the tag or label is unknown until apply. */
  value?: string;
  from: 'tag' | 'label' | 'namespace' | 'default';
  unknownUntilApply?: boolean;
}

/** One resource that may place data somewhere, as a reader found it. */
export interface Subject {
  file: string;
  format: InputFormat;
  /** Terraform address or Kubernetes `Kind namespace/name`. */
  id: string;
  type: string;
  line?: number;
  column?: number;
  providers: ProviderHints;
  locations: LocationClaim[];
  unknown?: { reason: UnknownLocation; detail: string };
  dataClass?: DataClassClaim;
  /** Not a placement at all (a data source, a random string, a Service): reported, never decided. */
  skip?: { reason: SkipReason; detail: string };
}

export type FindingStatus = 'allowed' | 'denied' | 'unknown' | 'skipped';

export interface FindingPlacement {
  claim: LocationClaim;
  location?: PlacementLocation;
  outcome?: Outcome;
  /** The labelled offer the answer relied on, when there is one. */
  offer?: { id: string; name: string; level: string; labelId: string };
  reasons: Array<{ requirement: string; status: 'pass' | 'fail'; code: string; text: string }>;
  /** Set when this location could not be resolved. */
  unresolved?: string;
}

export interface Finding {
  file: string;
  format: InputFormat;
  id: string;
  type: string;
  line?: number;
  column?: number;
  status: FindingStatus;
  dataClass?: string;
  dataClassFrom?: DataClassClaim['from'];
  /** One line saying why, in the report's language. */
  message: string;
  placements: FindingPlacement[];
}
