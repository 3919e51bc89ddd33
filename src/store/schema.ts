/**
 * Table shapes as Kysely sees them. Types stay portable between SQLite and PostgreSQL: times are ISO-8601
 * text (they sort), booleans are 0/1 integers, JSON is text, hashes are lower-case hex.
 */
import type { Generated } from 'kysely';

export interface OrganisationTable {
  id: string;
  name: string;
  kind: 'provider' | 'assessor' | 'authority';
  country: string | null;
  registration_scheme: string | null;
  registration_value: string | null;
  created_at: string;
}

export interface UserTable {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  role: 'provider' | 'assessor' | 'authority';
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: string;
  disabled_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface AssessorLinkTable {
  id: string;
  user_id: string;
  entity_name: string;
  registration_value: string | null;
  note: string | null;
  declared_at: string;
}

export interface OfferTable {
  id: string;
  organisation_id: string;
  name: string;
  service_model: string;
  latest_declaration_version: number;
  created_at: string;
  updated_at: string;
}

export interface DeclarationTable {
  id: string;
  offer_id: string;
  organisation_id: string;
  version: number;
  body: string;
  created_by: string;
  created_at: string;
}

export interface ApplicationTable {
  id: string;
  organisation_id: string;
  offer_id: string;
  declaration_id: string;
  state: string;
  target_level: string;
  data_class: string | null;
  referential_id: string;
  referential_version: string;
  evaluation: string;
  assessor_id: string | null;
  submitted_by: string;
  submitted_at: string;
  updated_at: string;
  row_version: number;
}

export interface VerdictTable {
  application_id: string;
  criterion_id: string;
  status: string;
  automated_status: string;
  comment: string | null;
  assessor_id: string;
  decided_at: string;
}

export interface DecisionTable {
  application_id: string;
  outcome: 'granted' | 'refused';
  level: string | null;
  reasons: string;
  decided_by: string;
  decided_at: string;
}

export interface EvidenceTable {
  digest: string;
  size: number;
  media_type: string;
  created_at: string;
}

export interface ApplicationEvidenceTable {
  id: string;
  application_id: string;
  criterion_id: string | null;
  digest: string;
  filename: string;
  uploaded_by: string;
  uploaded_at: string;
}

export interface LabelTable {
  id: string;
  application_id: string | null;
  organisation_id: string;
  offer_id: string;
  level: string;
  state: 'active' | 'suspended' | 'revoked';
  valid_from: string;
  valid_until: string;
  credential: string;
  credential_digest: string;
  referential_id: string;
  referential_version: string;
  revocation_list: string;
  revocation_index: number;
  suspension_list: string;
  suspension_index: number;
  log_index: number;
  flagged_at: string | null;
  flag_reason: string | null;
  state_reason: string | null;
  created_at: string;
  updated_at: string;
  row_version: number;
}

export interface StatusListTable {
  id: string;
  purpose: 'revocation' | 'suspension';
  capacity: number;
  /** How many indexes were handed out; the index itself is (perm_a · n + perm_b) mod capacity. */
  next_index: number;
  perm_a: number;
  perm_b: number;
  /** base64 of the raw (uncompressed) bitstring. */
  bits: string;
  version: number;
  updated_at: string;
}

export interface LogLeafTable {
  idx: number;
  leaf_hash: string;
  entry: string;
  created_at: string;
}

export interface LogNodeTable {
  level: number;
  idx: number;
  hash: string;
}

export interface LogHeadTable {
  id: number;
  size: number;
}

export interface CheckpointTable {
  size: number;
  root: string;
  note: string;
  created_at: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  before: string | null;
  after: string | null;
}

export interface ReferentialVersionTable {
  id: string;
  version: string;
  /** The referential document as canonical JSON. */
  document: string;
  digest: string;
  published_at: string;
  published_by: string;
  log_index: number;
}

export interface WebhookTable {
  id: string;
  owner_user_id: string;
  url: string;
  secret: string;
  events: string;
  created_at: string;
  disabled_at: string | null;
  /** JSON array of offer ids the webhook is limited to; null for every offer (migration 0003). */
  offer_ids: string | null;
}

export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'failed';
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** One try of a delivery; `finished_at` stays null if the process died while the request was in flight. */
export interface WebhookAttemptTable {
  delivery_id: string;
  attempt: number;
  started_at: string;
  finished_at: string | null;
  status: number | null;
  error: string | null;
  duration_ms: number | null;
}

/**
 * The public registry: one denormalised row per labelled offer, rebuilt from labels + the latest
 * declaration in the transaction that changes either (see src/workflow/registry/refresh.ts).
 */
export interface RegistryOfferTable {
  offer_id: string;
  label_id: string;
  organisation_id: string;
  provider_id: string;
  provider_name: string;
  registration_scheme: string | null;
  registration_value: string | null;
  offer_name: string;
  /** Offer name folded (NFD, no diacritics, lower case), for ordering. */
  sort_name: string;
  service_model: string;
  level: string;
  /** Position of `level` in the level order (higher is stronger). */
  level_rank: number;
  /** Stored state; `expired` is derived from valid_until at read time. */
  state: 'active' | 'suspended' | 'revoked';
  state_reason: string | null;
  flagged_at: string | null;
  flag_reason: string | null;
  valid_from: string;
  valid_until: string;
  referential_id: string;
  referential_version: string;
  credential_digest: string;
  revocation_list: string;
  revocation_index: number;
  suspension_list: string;
  suspension_index: number;
  log_index: number;
  /** JSON `[{code,country,city?}]`: the regions the label covers (from its credential). */
  regions: string;
  /** JSON array of ISO 3166-1 alpha-2 codes (facet `country`). */
  countries: string;
  /** JSON `[{scheme,status}]` from the latest declaration (facet `certification`). */
  certifications: string;
  /** Folded words of the offer and provider names and ids, space-separated with a space at each end. */
  search_text: string;
  /** JSON `{"SOV-1": {min, max}, …}`: SEAL bounds per objective (EU CSF), null when not computed. */
  seal_profile?: string | null;
  declaration_version: number;
  /** registry_meta.generation of the transaction that wrote the row: search indexes catch up from it. */
  generation: number;
  updated_at: string;
}

/** One row. `generation` is bumped by every registry write, `epoch` when rows are removed or rebuilt. */
export interface RegistryMetaTable {
  id: number;
  generation: number;
  epoch: number;
  /** When the registry was last rebuilt from the labels; null until the first rebuild. */
  rebuilt_at: string | null;
}

export interface Database {
  organisations: OrganisationTable;
  users: UserTable;
  api_tokens: ApiTokenTable;
  sessions: SessionTable;
  assessor_links: AssessorLinkTable;
  offers: OfferTable;
  declarations: DeclarationTable;
  applications: ApplicationTable;
  verdicts: VerdictTable;
  decisions: DecisionTable;
  evidence: EvidenceTable;
  application_evidence: ApplicationEvidenceTable;
  labels: LabelTable;
  status_lists: StatusListTable;
  log_leaves: LogLeafTable;
  log_nodes: LogNodeTable;
  log_head: LogHeadTable;
  checkpoints: CheckpointTable;
  audit_events: AuditTable;
  referentials: ReferentialVersionTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  registry_offers: RegistryOfferTable;
  registry_meta: RegistryMetaTable;
}
