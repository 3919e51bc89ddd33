/**
 * Strict, allocation-light parsing of a compact JWS and of the label credential inside it. Runs before
 * any cryptography: whatever is rejected here is 'malformed'. Uses only Buffer and JSON.
 */
import {
  LABEL_CREDENTIAL_TYPE,
  STATUS_ENTRY_TYPE,
  VC_JWT_TYP,
  VC_V2_CONTEXT,
  VERIFIABLE_CREDENTIAL,
} from './constants.js';
import { parseDateTimeStamp } from './encoding.js';
import type { BitstringStatusListEntry, LabelCredential, StatusPurpose } from './types.js';
import { Issue, issue } from './verify-report.js';

export interface JwsHead {
  header: Readonly<Record<string, unknown>>;
  /** DID part and full id of `kid` (`did:web:x#thumbprint`). */
  kid: { readonly did: string; readonly id: string };
  /** Still encoded: decoding it is deferred so that it can overlap the signature check. */
  payloadSegment: string;
}

export interface ParsedJws extends JwsHead {
  payload: Record<string, unknown>;
}

/** Labels are a few KiB; anything far bigger is not ours and is refused before decoding. */
export const MAX_TOKEN_LENGTH = 256 * 1024;

/** Splits the token and parses its header; the payload segment is only checked to be base64url. */
export function parseJwsHead(token: unknown, maxLength = MAX_TOKEN_LENGTH): JwsHead | Issue {
  if (typeof token !== 'string' || token.length === 0 || token.length > maxLength) {
    return issue(
      'malformed',
      'token.malformed',
      'The token is not a compact JWS string of a reasonable size.',
    );
  }
  // An empty signature part is syntactically valid (unsecured JWS, alg "none"): it is refused later, at the
  // algorithm check, with a precise reason.
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) {
    return issue('malformed', 'token.malformed', 'The token does not have the three parts of a compact JWS.');
  }
  const segment = token.slice(0, first);
  let parsed = headerCache.get(segment);
  if (parsed === undefined) {
    const fresh = parseHeader(segment);
    if (fresh instanceof Issue) return fresh;
    // Only well-formed headers are cached, so junk tokens cannot evict the issuer's.
    if (headerCache.size >= MAX_CACHED_HEADERS) headerCache.delete(headerCache.keys().next().value!);
    headerCache.set(segment, fresh);
    parsed = fresh;
  }
  return { header: parsed.header, kid: parsed.kid, payloadSegment: token.slice(first + 1, second) };
}

/**
 * Every label signed with a given key carries the very same header, so parsed headers are cached by their
 * encoded text (frozen: they are shared between calls).
 */
const headerCache = new Map<string, Pick<JwsHead, 'header' | 'kid'>>();
const MAX_CACHED_HEADERS = 256;

function parseHeader(segment: string): Pick<JwsHead, 'header' | 'kid'> | Issue {
  const header = parseJsonObject(segment);
  if (!header) return issue('malformed', 'header.malformed', 'The JWS header is not a JSON object.');
  if (header.typ !== VC_JWT_TYP) {
    return issue('malformed', 'header.typ', `The JWS header type is not "${VC_JWT_TYP}".`);
  }
  const kid = header.kid;
  const hash = typeof kid === 'string' ? kid.indexOf('#') : -1;
  if (typeof kid !== 'string' || !kid.startsWith('did:') || hash <= 4 || hash === kid.length - 1) {
    return issue('malformed', 'header.kid', 'The JWS header has no kid of the form "<did>#<key id>".');
  }
  return Object.freeze({
    header: Object.freeze(header),
    kid: Object.freeze({ did: kid.slice(0, hash), id: kid }),
  });
}

export function parseJwsPayload(head: JwsHead): Record<string, unknown> | Issue {
  return (
    parseJsonObject(head.payloadSegment) ??
    issue('malformed', 'payload.malformed', 'The JWS payload is not a JSON object.')
  );
}

export function parseCompactJws(token: unknown, maxLength = MAX_TOKEN_LENGTH): ParsedJws | Issue {
  const head = parseJwsHead(token, maxLength);
  if (head instanceof Issue) return head;
  const payload = parseJwsPayload(head);
  return payload instanceof Issue ? payload : { ...head, payload };
}

const JWS_CHARS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether every part is strict base64url. Not on the hot path: jose decodes strictly before the signature
 * can verify, so a token that verifies is well-formed; callers run this only to classify a rejection.
 */
export function hasJwsAlphabet(token: string): boolean {
  return JWS_CHARS.test(token);
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function badCredential(what: string): Issue {
  return issue('malformed', 'credential.malformed', `The credential ${what}.`);
}

export interface CheckedLabel {
  credential: LabelCredential;
  issuer: string;
  validFrom: number;
  validUntil: number | undefined;
  status: Partial<Record<StatusPurpose, { entry: BitstringStatusListEntry; index: number }>>;
}

/** VC DM 2.0 `issuer` is a URL or an object with an `id`. */
export function issuerId(payload: Record<string, unknown>): string | undefined {
  const issuer = payload.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof (issuer as { id?: unknown }).id === 'string') {
    return (issuer as { id: string }).id;
  }
  return undefined;
}

/** Shape checks of the label profile; the cryptographic checks come later. */
export function checkLabelCredential(payload: Record<string, unknown>): CheckedLabel | Issue {
  const context = payload['@context'];
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT)
    return badCredential(`does not start with the VC 2.0 context`);
  const type = payload.type;
  if (
    !Array.isArray(type) ||
    !type.includes(VERIFIABLE_CREDENTIAL) ||
    !type.includes(LABEL_CREDENTIAL_TYPE)
  ) {
    return badCredential(`is not a ${LABEL_CREDENTIAL_TYPE}`);
  }
  if (typeof payload.id !== 'string') return badCredential('has no id');
  const issuer = issuerId(payload);
  if (!issuer?.startsWith('did:')) return badCredential('issuer is not a DID');
  const validFrom = parseDateTimeStamp(payload.validFrom);
  if (Number.isNaN(validFrom))
    return badCredential('validFrom is missing or not a date-time with a time zone');
  let validUntil: number | undefined;
  if (payload.validUntil !== undefined) {
    validUntil = parseDateTimeStamp(payload.validUntil);
    if (Number.isNaN(validUntil)) return badCredential('validUntil is not a date-time with a time zone');
  }
  const subject = payload.credentialSubject as Record<string, unknown> | undefined;
  if (!subject || typeof subject !== 'object' || typeof subject.id !== 'string')
    return badCredential('has no subject id');

  const entries = payload.credentialStatus;
  const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
  const status: CheckedLabel['status'] = {};
  for (const raw of list) {
    const e = raw as Partial<BitstringStatusListEntry> | null;
    if (e?.type !== STATUS_ENTRY_TYPE) continue; // other status mechanisms are not ours to judge
    const purpose = e.statusPurpose;
    if (purpose !== 'revocation' && purpose !== 'suspension') continue;
    if (status[purpose]) return badCredential(`has two ${purpose} status entries`);
    const index =
      typeof e.statusListIndex === 'string' && /^(0|[1-9]\d*)$/.test(e.statusListIndex)
        ? Number(e.statusListIndex)
        : Number.NaN;
    if (!Number.isSafeInteger(index) || typeof e.statusListCredential !== 'string') {
      return badCredential(`${purpose} status entry is malformed`);
    }
    status[purpose] = { entry: e as BitstringStatusListEntry, index };
  }
  // Our profile: every label can be revoked and suspended. A label without either could never be withdrawn.
  if (!status.revocation || !status.suspension)
    return badCredential('lacks a revocation or a suspension status entry');
  return { credential: payload as unknown as LabelCredential, issuer, validFrom, validUntil, status };
}
