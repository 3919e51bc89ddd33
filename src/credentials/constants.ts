/**
 * Identifiers shared by the issuer side and the offline verifier. Kept in a file with no imports so that
 * `verify.ts` can depend on it without pulling anything else in.
 */

/** VC Data Model 2.0 base context; it MUST be the first `@context` entry of every credential. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/**
 * Our JSON-LD context for the label vocabulary (TrustedCloudLabelCredential, provider, offer, level...).
 * Open point for the lead: the final URL depends on the domain the label authority will own; the document
 * behind it must be published (and frozen) before the first production label.
 */
export const CONFIANCE_CONTEXT_URL = 'https://w3id.org/confiance/credentials/v1';

/**
 * Namespace of our non-standard properties (e.g. `confiance:retired` in DID documents). Declared as a
 * JSON-LD prefix in the documents that use it, so the property expands to a real IRI.
 */
export const CONFIANCE_VOCAB = 'https://w3id.org/confiance/vocab#';

export const VERIFIABLE_CREDENTIAL = 'VerifiableCredential';
export const LABEL_CREDENTIAL_TYPE = 'TrustedCloudLabelCredential';
export const STATUS_LIST_CREDENTIAL_TYPE = 'BitstringStatusListCredential';
export const STATUS_LIST_SUBJECT_TYPE = 'BitstringStatusList';
export const STATUS_ENTRY_TYPE = 'BitstringStatusListEntry';

/** VC-JOSE-COSE (W3C Rec. 2025): `typ` SHOULD be `vc+jwt`; when present, `cty` SHOULD be `vc`. */
export const VC_JWT_TYP = 'vc+jwt';
export const VC_JWT_CTY = 'vc';

/** The only JWS algorithm we issue or accept: Ed25519, because the same keys sign C2SP notes. */
export const SIGNING_ALG = 'EdDSA';

/** Bitstring Status List v1.0: minimum (and our default) number of entries, i.e. 16 KiB. */
export const MIN_STATUS_LIST_ENTRIES = 131_072;

/** DID document property marking a key retired for signing (still valid to verify older labels). */
export const RETIRED_PROPERTY = 'confiance:retired';

/** DID documents: DID 1.1 context plus Controlled Identifiers 1.0, which defines the `JsonWebKey` type. */
export const DID_CONTEXTS = ['https://www.w3.org/ns/did/v1.1', 'https://www.w3.org/ns/cid/v1'] as const;
export const JSON_WEB_KEY_TYPE = 'JsonWebKey';
