/**
 * The signed registry snapshot, as relying parties and the offline IaC scanner read it. Pure: no database,
 * no HTTP, no clock (the caller passes `now`), so the scanner can import this file alone.
 *
 * Format: a compact JWS (EdDSA, `typ: application/registry-snapshot+jwt`, `kid: <did>#<kid>`) whose
 * payload is the JSON `RegistrySnapshot` below. The embedded checkpoint is the transparency log's signed
 * note at snapshot time, so a scanner can later prove the labels' log entries against the same tree.
 */
import { findKey } from '../credentials/did.js';
import { base64urlDecode } from '../credentials/encoding.js';
import { importVerificationKey, verifyCompact } from '../credentials/jws.js';
import type { DidDocument } from '../credentials/types.js';
import { type ParsedCheckpoint, verifyCheckpoint } from '../ledger/checkpoint.js';
import type { SealProfile } from '../sovereignty/types.js';

export const REGISTRY_SNAPSHOT_TYP = 'application/registry-snapshot+jwt';

export interface SnapshotStatusEntry {
  /** URL of the Bitstring Status List credential. */
  list: string;
  index: number;
}

export interface SnapshotOffer {
  offer: { id: string; name: string; serviceModel: string };
  provider: { id: string; name: string };
  level: string;
  /** Public state at `generatedAt`: active, suspended, revoked or expired. */
  state: string;
  validUntil: string;
  regions: Array<{ code: string; country: string; city?: string }>;
  labelId: string;
  credentialDigest: string;
  status: { revocation: SnapshotStatusEntry; suspension: SnapshotStatusEntry };
  /** Schemes and statuses the provider declares (placement decisions read them; absent before 2026-11). */
  certifications?: Array<{ scheme: string; status: string }>;
  /** The offer's proven EU sovereignty (SEAL) bounds, for SEAL gates offline; null when not assessed. */
  seal?: SealProfile | null;
}

export interface RegistrySnapshot {
  issuer: string;
  generatedAt: string;
  referentials: Array<{ id: string; version: string; digest: string }>;
  offers: SnapshotOffer[];
  /** The latest signed log checkpoint (C2SP note), or null before the log has any entry. */
  checkpoint: string | null;
}

export type SnapshotVerification =
  | { valid: true; snapshot: RegistrySnapshot; kid: string; checkpoint: ParsedCheckpoint | null }
  | { valid: false; code: string; reason: string };

export interface VerifySnapshotOptions {
  /** Reject snapshots generated after this instant (clock skew) or older than `maxAgeMs` before it. */
  now?: Date;
  maxAgeMs?: number;
  /** The log origin the checkpoint must carry, when the caller knows it. */
  logOrigin?: string;
}

const fail = (code: string, reason: string): SnapshotVerification => ({ valid: false, code, reason });
const SKEW_MS = 5 * 60_000;

/** Never throws on untrusted input; every refusal says why. */
export async function verifyRegistrySnapshot(
  jws: string,
  didDocument: DidDocument,
  options: VerifySnapshotOptions = {},
): Promise<SnapshotVerification> {
  const parts = typeof jws === 'string' ? jws.trim().split('.') : [];
  if (parts.length !== 3) return fail('malformed', 'not a compact JWS');
  let header: { alg?: unknown; typ?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(base64urlDecode(parts[0]!)).toString('utf8'));
  } catch {
    return fail('malformed', 'the protected header is not base64url JSON');
  }
  if (header.alg !== 'EdDSA')
    return fail('malformed', `alg must be EdDSA, got ${JSON.stringify(header.alg)}`);
  if (header.typ !== REGISTRY_SNAPSHOT_TYP && header.typ !== 'registry-snapshot+jwt') {
    return fail('wrong-type', `typ must be ${REGISTRY_SNAPSHOT_TYP}`);
  }
  if (typeof header.kid !== 'string' || !header.kid.startsWith(`${didDocument.id}#`)) {
    return fail('unknown-issuer', `the signing key is not one of ${didDocument.id}`);
  }
  const key = findKey(didDocument, header.kid);
  if (!key) return fail('unknown-key', `${header.kid} is not an assertion key of the DID document`);
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = (await verifyCompact(jws.trim(), await importVerificationKey(key.publicJwk))).payload;
  } catch {
    return fail('bad-signature', 'the signature does not verify with the key of the DID document');
  }
  let snapshot: RegistrySnapshot;
  try {
    snapshot = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
  } catch {
    return fail('malformed', 'the payload is not JSON');
  }
  const shape = shapeProblem(snapshot);
  if (shape) return fail('malformed', shape);
  if (snapshot.issuer !== didDocument.id)
    return fail('unknown-issuer', `issued by ${snapshot.issuer}, not ${didDocument.id}`);
  const generated = Date.parse(snapshot.generatedAt);
  if (key.retiredAt && generated > Date.parse(key.retiredAt)) {
    return fail('unknown-key', `key ${key.kid} was retired on ${key.retiredAt}, before this snapshot`);
  }
  if (options.now) {
    if (generated > options.now.getTime() + SKEW_MS)
      return fail('not-yet-valid', `generated in the future (${snapshot.generatedAt})`);
    if (options.maxAgeMs !== undefined && options.now.getTime() - generated > options.maxAgeMs) {
      return fail('stale', `generated on ${snapshot.generatedAt}, older than allowed`);
    }
  }
  let checkpoint: ParsedCheckpoint | null = null;
  if (snapshot.checkpoint !== null) {
    const origin = snapshot.checkpoint.split('\n', 1)[0]!;
    if (options.logOrigin !== undefined && origin !== options.logOrigin)
      return fail('bad-checkpoint', `checkpoint of log ${origin}`);
    const keys = (didDocument.verificationMethod ?? []).flatMap((m) => {
      const x = (m.publicKeyJwk as { x?: unknown } | undefined)?.x;
      return typeof x === 'string' && findKey(didDocument, m.id)
        ? [{ name: origin, publicKey: base64urlDecode(x) }]
        : [];
    });
    const checked = verifyCheckpoint(snapshot.checkpoint, keys, { origin });
    if (!checked.ok)
      return fail('bad-checkpoint', `the embedded checkpoint does not verify: ${checked.message}`);
    checkpoint = checked.checkpoint;
  }
  return { valid: true, snapshot, kid: key.kid, checkpoint };
}

function shapeProblem(s: RegistrySnapshot): string | undefined {
  if (!s || typeof s !== 'object') return 'the payload is not an object';
  if (typeof s.issuer !== 'string') return 'issuer is missing';
  if (typeof s.generatedAt !== 'string' || Number.isNaN(Date.parse(s.generatedAt)))
    return 'generatedAt is not a date';
  if (!Array.isArray(s.referentials)) return 'referentials is not an array';
  if (s.checkpoint !== null && typeof s.checkpoint !== 'string')
    return 'checkpoint is neither a note nor null';
  if (!Array.isArray(s.offers)) return 'offers is not an array';
  const bad = s.offers.findIndex(
    (o) =>
      typeof o?.offer?.id !== 'string' ||
      typeof o.labelId !== 'string' ||
      typeof o.level !== 'string' ||
      typeof o.state !== 'string' ||
      typeof o.validUntil !== 'string' ||
      !Array.isArray(o.regions) ||
      typeof o.status?.revocation?.index !== 'number' ||
      typeof o.status?.suspension?.index !== 'number',
  );
  return bad >= 0 ? `offers[${bad}] is incomplete` : undefined;
}
