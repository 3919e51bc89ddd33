/**
 * Signed placement receipts: what was asked, what was answered and why, and everything the answer relied
 * on (the referential version, the class's requirements, each label with its status-list entries, the
 * registry version and the transparency log's checkpoint), so an auditor can later prove what was known.
 *
 * Format: a compact JWS (EdDSA, `typ: application/placement-receipt+jwt`, `kid: <did>#<kid>`) whose payload
 * is the RFC 8785 canonical JSON of the receipt: the signed bytes are the only serialisation, and a verifier
 * checks they are canonical, so two parties holding the same receipt hold the same bytes.
 */
import canonicalize from 'canonicalize';
import { SIGNING_ALG } from '../credentials/constants.js';
import { findKey } from '../credentials/did.js';
import { base64urlDecode } from '../credentials/encoding.js';
import { importVerificationKey, type RawSigner, signCompact, verifyCompact } from '../credentials/jws.js';
import type { DidDocument } from '../credentials/types.js';
import { formatSealGate, type SealGate } from '../sovereignty/gate.js';
import type { SealProfile } from '../sovereignty/types.js';
import type { PlacementEngine } from './engine.js';
import { explainCheck } from './explain.js';
import type {
  Candidate,
  Check,
  DataClass,
  Decision,
  Lang,
  Outcome,
  PlacementLocation,
  PlacementRegion,
  StatusEntry,
} from './types.js';

export const PLACEMENT_RECEIPT_TYP = 'application/placement-receipt+jwt';
export const PLACEMENT_RECEIPT_TYPE = 'PlacementReceipt';

export interface ReceiptReason {
  requirement: Check['requirement'];
  status: Check['status'];
  code: string;
  params: Check['params'];
  text: string;
}

export interface ReceiptCandidate {
  offer: string | null;
  region: { code: string; countries: string[]; city?: string };
  allowed: boolean;
  reasons: ReceiptReason[];
}

/** A label the answer relied on, with what lets anyone check its status later. */
export interface ReceiptLabel {
  labelId: string;
  offer: { id: string; name: string };
  provider: { id: string; name: string };
  level: string;
  state: string;
  validUntil: string;
  credentialDigest: string;
  status: { revocation: StatusEntry; suspension: StatusEntry };
  /** With a SEAL gate: the SEAL bounds the answer read for the offer (null: the registry did not say). */
  seal?: SealProfile | null;
}

export interface PlacementReceipt {
  type: typeof PLACEMENT_RECEIPT_TYPE;
  v: 1;
  id: string;
  issuer: string;
  issuedAt: string;
  lang: Lang;
  /** `seal`: the SEAL gate asked for, as `SOV-2:3,SOV-3:3`. */
  question: { dataClass: string; offer?: string; region?: string; provider?: string; seal?: string };
  dataClass: {
    id: string;
    title: string;
    origin: DataClass['origin'];
    minimumLevel: string | null;
    territories: string[] | null;
    certifications: string[];
    digest: string;
  };
  referential: { id: string; version: string; digest: string };
  registry: { version: string; asOf: string };
  /** The transparency log's latest signed checkpoint (C2SP note) when the answer was given. */
  log: { checkpoint: string } | null;
  location?: PlacementLocation;
  outcome: Outcome;
  reasons: ReceiptReason[];
  candidates: ReceiptCandidate[];
  eligible?: number;
  reliedOn: ReceiptLabel[];
}

export interface ReceiptInput {
  id: string;
  issuer: string;
  issuedAt: Date;
  lang: Lang;
  question: PlacementReceipt['question'];
  dataClass: DataClass;
  decision: Decision;
  engine: Pick<PlacementEngine, 'offer'>;
  referential: PlacementReceipt['referential'];
  registry: PlacementReceipt['registry'];
  checkpoint: string | null;
  location?: PlacementLocation;
  /** The SEAL gate the decision applied; named in the question and the labels' SEAL bounds are kept. */
  seal?: SealGate;
}

/** Pure: the same input gives the same receipt. */
export function buildReceipt(input: ReceiptInput): PlacementReceipt {
  const { decision, dataClass: cls, lang } = input;
  const reason = (c: Check): ReceiptReason => ({
    requirement: c.requirement,
    status: c.status,
    code: c.code,
    params: c.params,
    text: explainCheck(c, cls, lang),
  });
  const gated = input.seal !== undefined && input.seal.length > 0;
  const relied = new Map<string, ReceiptLabel>();
  const candidates = decision.candidates.map((cand: Candidate): ReceiptCandidate => {
    const offer = cand.offerId ? input.engine.offer(cand.offerId) : undefined;
    if (offer && !relied.has(offer.labelId)) {
      relied.set(offer.labelId, {
        labelId: offer.labelId,
        offer: { id: offer.offer.id, name: offer.offer.name },
        provider: { id: offer.provider.id, name: offer.provider.name },
        level: offer.level,
        state: offer.state,
        validUntil: offer.validUntil,
        credentialDigest: offer.credentialDigest,
        status: offer.status,
        ...(gated ? { seal: offer.seal ?? null } : {}),
      });
    }
    return {
      offer: cand.offerId || null,
      region: regionOf(cand.region),
      allowed: cand.allowed,
      reasons: cand.checks.map(reason),
    };
  });
  return {
    type: PLACEMENT_RECEIPT_TYPE,
    v: 1,
    id: input.id,
    issuer: input.issuer,
    issuedAt: input.issuedAt.toISOString(),
    lang,
    question: gated ? { ...input.question, seal: formatSealGate(input.seal!) } : input.question,
    dataClass: {
      id: cls.id,
      title: cls.title[lang],
      origin: cls.origin,
      minimumLevel: cls.minimumLevel,
      territories: cls.territories,
      certifications: cls.certifications,
      digest: cls.digest,
    },
    referential: input.referential,
    registry: input.registry,
    log: input.checkpoint === null ? null : { checkpoint: input.checkpoint },
    ...(input.location ? { location: input.location } : {}),
    outcome: decision.outcome,
    reasons: decision.checks.map(reason),
    candidates,
    ...(decision.eligible !== undefined ? { eligible: decision.eligible } : {}),
    reliedOn: [...relied.values()],
  };
}

function regionOf(r: PlacementRegion | PlacementLocation): ReceiptCandidate['region'] {
  const countries = 'countries' in r ? r.countries : r.country ? [r.country] : [];
  return { code: r.code, countries, ...(r.city ? { city: r.city } : {}) };
}

/** Signs the receipt's canonical JSON; `kid` in the header is `${did}#${kid}`. */
export function signReceipt(
  receipt: PlacementReceipt,
  signer: { did: string; kid: string; sign: RawSigner },
): Promise<string> {
  const canonical = canonicalize(receipt);
  if (canonical === undefined) throw new TypeError('receipt is not JSON-serialisable');
  return signCompact(
    { alg: SIGNING_ALG, kid: `${signer.did}#${signer.kid}`, typ: PLACEMENT_RECEIPT_TYP },
    canonical,
    signer.sign,
  );
}

export type ReceiptVerification =
  | { valid: true; receipt: PlacementReceipt; kid: string }
  | { valid: false; code: string; reason: string };

const fail = (code: string, reason: string): ReceiptVerification => ({ valid: false, code, reason });

/**
 * Checks a receipt with nothing but the issuer's DID document: the key, the signature, that the signed bytes
 * are the canonical JSON of a receipt of that issuer. Never throws on untrusted input.
 */
export async function verifyPlacementReceipt(
  jws: string,
  didDocument: DidDocument,
): Promise<ReceiptVerification> {
  const token = typeof jws === 'string' ? jws.trim() : '';
  const parts = token.split('.');
  if (parts.length !== 3) return fail('malformed', 'not a compact JWS');
  let header: { alg?: unknown; typ?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(base64urlDecode(parts[0]!)).toString('utf8'));
  } catch {
    return fail('malformed', 'the protected header is not base64url JSON');
  }
  if (header.alg !== SIGNING_ALG) return fail('malformed', `alg must be ${SIGNING_ALG}`);
  if (header.typ !== PLACEMENT_RECEIPT_TYP && header.typ !== 'placement-receipt+jwt')
    return fail('wrong-type', `typ must be ${PLACEMENT_RECEIPT_TYP}`);
  if (typeof header.kid !== 'string' || !header.kid.startsWith(`${didDocument.id}#`))
    return fail('unknown-issuer', `the signing key is not one of ${didDocument.id}`);
  const key = findKey(didDocument, header.kid);
  if (!key) return fail('unknown-key', `${header.kid} is not an assertion key of the DID document`);
  let payload: Uint8Array;
  try {
    payload = (await verifyCompact(token, await importVerificationKey(key.publicJwk))).payload;
  } catch {
    return fail('bad-signature', 'the signature does not verify with the key of the DID document');
  }
  const text = Buffer.from(payload).toString('utf8');
  let receipt: PlacementReceipt;
  try {
    receipt = JSON.parse(text) as PlacementReceipt;
  } catch {
    return fail('malformed', 'the payload is not JSON');
  }
  if (canonicalize(receipt) !== text)
    return fail('not-canonical', 'the payload is not RFC 8785 canonical JSON');
  if (receipt?.type !== PLACEMENT_RECEIPT_TYPE || receipt.v !== 1)
    return fail('wrong-type', 'the payload is not a placement receipt (version 1)');
  if (receipt.issuer !== didDocument.id)
    return fail('unknown-issuer', `issued by ${receipt.issuer}, not ${didDocument.id}`);
  const issued = Date.parse(receipt.issuedAt);
  if (Number.isNaN(issued)) return fail('malformed', 'issuedAt is not a date');
  if (key.retiredAt && issued > Date.parse(key.retiredAt))
    return fail('unknown-key', `key ${key.kid} was retired on ${key.retiredAt}, before this receipt`);
  if (!Array.isArray(receipt.reliedOn) || !Array.isArray(receipt.reasons))
    return fail('malformed', 'reasons or reliedOn is missing');
  return { valid: true, receipt, kid: key.kid };
}
