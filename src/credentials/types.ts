/**
 * Data shapes of the credentials module. Types only (no runtime code), so every file, the offline verifier
 * included, can import them for free.
 */

/** Public Ed25519 key as a JWK (RFC 8037). Only the members the RFC 7638 thumbprint covers. */
export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** Public description of one signing key. `retiredAt` set means "verifies old labels, signs nothing new". */
export interface KeyInfo {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of `publicJwk`. */
  kid: string;
  alg: 'EdDSA';
  publicJwk: Ed25519PublicJwk;
  /** ISO 8601 instant. */
  createdAt: string;
  retiredAt?: string;
}

export type LabelLevel = 'baseline' | 'eu-data' | 'trusted';
export type ServiceModel = 'IaaS' | 'PaaS' | 'SaaS' | 'CaaS';
export type StatusPurpose = 'revocation' | 'suspension';

export interface LabelRegion {
  /** Provider's own region code, e.g. `fr-par-1`. */
  code: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  city?: string;
}

export interface BitstringStatusListEntry {
  id?: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  /** Base-10 integer as a string, as the spec requires. */
  statusListIndex: string;
  statusListCredential: string;
}

export interface LabelCredentialSubject {
  id: string;
  provider: { id: string; name: string; legalId: { scheme: string; value: string } };
  offer: { id: string; name: string; serviceModel: ServiceModel };
  level: LabelLevel;
  regions: LabelRegion[];
  referential: { id: string; version: string };
  /** SHA-256 hex of the RFC 8785 canonical JSON of the criterion results. */
  criteriaDigest: string;
  /** SHA-256 hex of each evidence file. Never the content. */
  evidenceDigests: string[];
}

/** The label, as a W3C VC Data Model 2.0 credential (the JWS payload, VC-JOSE-COSE style). */
export interface LabelCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: string;
  validFrom: string;
  validUntil: string;
  credentialSubject: LabelCredentialSubject;
  credentialStatus: BitstringStatusListEntry[];
}

export interface StatusListCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: string;
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: StatusPurpose;
    encodedList: string;
  };
}

export interface VerificationMethod {
  id: string;
  type: string;
  controller: string;
  publicKeyJwk: Ed25519PublicJwk | Record<string, unknown>;
  /** Non-standard, namespaced: ISO instant from which the key no longer signs (see did.ts). */
  'confiance:retired'?: string;
  [extra: string]: unknown;
}

/** The subset of a W3C DID document the verifier reads. Treat instances as immutable: caches key on them. */
export interface DidDocument {
  '@context'?: unknown;
  id: string;
  verificationMethod?: VerificationMethod[];
  assertionMethod?: Array<string | VerificationMethod>;
  [extra: string]: unknown;
}
