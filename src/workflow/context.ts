/**
 * What every use case receives: the store, the issuer's keys and identity, the referentials and a clock.
 * Built once by the server (or the CLI) and passed explicitly, so tests can swap any part.
 */

import type { Config } from '../config.js';
import type { KeyProvider } from '../credentials/index.js';
import type { Store } from '../store/db.js';
import type { EvidenceStorage } from './evidence-storage.js';
import type { ReferentialCatalogue } from './referentials.js';

export type Role = 'provider' | 'assessor' | 'authority';
export type Scope = 'read' | 'write';

export interface Actor {
  userId: string;
  organisationId: string;
  role: Role;
  scopes: readonly Scope[];
  /** How the actor proved who it is; tokens are least-privilege by scope. */
  via: 'token' | 'session' | 'password';
}

export interface Issuer {
  did: string;
  origin: string;
  keys: KeyProvider;
  /** Transparency log origin line (checkpoint first line). */
  logOrigin: string;
}

export interface Context {
  config: Config;
  store: Store;
  issuer: Issuer;
  referentials: ReferentialCatalogue;
  evidence: EvidenceStorage;
  clock: () => Date;
  /** Called after a label's status changed and the transaction committed (webhooks, caches). */
  onLabelEvent?: (event: LabelEvent) => void;
}

export interface LabelEvent {
  type: 'label.issued' | 'label.suspended' | 'label.reinstated' | 'label.revoked' | 'label.flagged';
  labelId: string;
  offerId: string;
  at: string;
  reason?: string;
}
