/**
 * The offline label verifier (`confiance/verify`). A relying party needs only the label token, the
 * issuer's DID document, and optionally the status lists and a log inclusion proof; nothing here touches
 * the network, a server or a database. Imports are restricted to jose, node:crypto / node:zlib and
 * type-only or pure modules of this folder (a test enforces it).
 *
 * Order of checks, each stage stopping the next when it fails so that nothing unauthenticated is trusted:
 *   1. shape of the token and of the credential         -> malformed
 *   2. issuer: expected one, DID document available     -> unknown-issuer
 *   3. key: kid belongs to the issuer's DID document    -> unknown-key
 *   4. signature through jose, EdDSA only               -> bad-signature
 *   5. status bits, validity period, log proof          -> revoked / suspended / expired / not-yet-valid
 * Stage 5 gathers every problem; the overall status is the most severe one (see STATUS_PRECEDENCE).
 */
import { SIGNING_ALG } from './constants.js';
import { verifyCompact } from './jws.js';
import type { DidDocument, LabelCredential, StatusPurpose } from './types.js';
import { type CachedKey, keyFor } from './verify-keys.js';
import {
  checkInclusion,
  type EntryMatcher,
  type InclusionInput,
  type LogCheck,
  type LogInclusionChecker,
  type LogVerifierKey,
} from './verify-log.js';
import { Issue, issue, type LabelStatus, overallStatus, type VerifyCode } from './verify-report.js';
import { analyseStatusLists, checkEntry, type ListAnalysis, type StatusCheck } from './verify-status.js';
import {
  type CheckedLabel,
  checkLabelCredential,
  hasJwsAlphabet,
  type JwsHead,
  parseJwsHead,
  parseJwsPayload,
} from './verify-token.js';

export type { DidDocument, LabelCredential } from './types.js';
export type {
  EntryMatcher,
  InclusionInput,
  LogCheck,
  LogInclusionChecker,
  LogVerifierKey,
} from './verify-log.js';
export { defaultEntryMatcher, ledgerChecker } from './verify-log.js';
export type { LabelStatus, VerifyCode } from './verify-report.js';
export { STATUS_PRECEDENCE } from './verify-report.js';
export type { StatusCheck } from './verify-status.js';

export type DidResolver = (did: string) => DidDocument | undefined | Promise<DidDocument | undefined>;

export interface VerifyLabelOptions {
  /** The issuer DID documents the relying party trusts (pinned or fetched by itself), or a resolver. */
  didDocuments: readonly DidDocument[] | DidResolver;
  /**
   * Status list credentials (JWTs). When given, both status entries must be resolved by an authentic,
   * matching list, or the result is not 'valid'. When omitted, status is not checked (set: null).
   */
  statusLists?: readonly string[];
  /** Transparency-log proof; requires `logKeys` (the log's checkpoint keys the relying party trusts). */
  inclusion?: InclusionInput;
  logKeys?: LogVerifierKey[];
  /** Defaults to the ledger module (src/ledger); replaceable for another log implementation or tests. */
  logChecker?: LogInclusionChecker;
  /** Expected checkpoint origin line, e.g. `label.example/log`. */
  logOrigin?: string;
  logEntryMatches?: EntryMatcher;
  now: Date;
  /** Refuse labels from any other issuer (recommended: pin the label authority's DID). */
  expectedIssuer?: string;
  /** Allowed clock skew for validity periods, in seconds. Default 0. */
  clockToleranceSeconds?: number;
}

export interface VerifyChecks {
  issuer: string | null;
  kid: string | null;
  keyStatus: 'active' | 'retired' | null;
  signature: boolean;
  validFrom: string | null;
  validUntil: string | null;
  revocation: StatusCheck;
  suspension: StatusCheck;
  log: LogCheck;
}

export interface VerifyLabelResult {
  status: LabelStatus;
  /** One English sentence per problem found; empty when valid. */
  reasons: string[];
  /** Machine-readable codes, aligned with `reasons`. */
  codes: VerifyCode[];
  checks: VerifyChecks;
  /** The credential, present only once its signature has been verified. */
  credential?: LabelCredential;
}

const PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];
const NOT_BASE64URL = 'The token contains characters outside base64url.';

export async function verifyLabel(token: string, options: VerifyLabelOptions): Promise<VerifyLabelResult> {
  const checks: VerifyChecks = {
    issuer: null,
    kid: null,
    keyStatus: null,
    signature: false,
    validFrom: null,
    validUntil: null,
    revocation: { index: null, list: null, set: null },
    suspension: { index: null, list: null, set: null },
    log: { checked: false },
  };
  const issues: Issue[] = [];

  // 1. shape of the header
  const head = parseJwsHead(token);
  if (head instanceof Issue) {
    issues.push(head);
    return answer(token, issues, checks);
  }
  checks.kid = head.kid.id;

  // The Ed25519 check runs on a libuv worker thread (WebCrypto). Start it as soon as the header names a
  // key we hold, and do the remaining parsing and status work on the main thread meanwhile. Its outcome is
  // only read at stage 4, and only if it was started with the very key stage 3 selects.
  const speculative = startSignature(token, head, options.didDocuments);
  if (speculative) for (let i = 0; i < JOSE_TICKS_TO_DISPATCH; i++) await undefined;

  // 1. shape of the credential
  const payload = parseJwsPayload(head);
  const label = payload instanceof Issue ? payload : checkLabelCredential(payload);
  if (label instanceof Issue) {
    issues.push(label);
    return answer(token, issues, checks);
  }
  checks.issuer = label.issuer;
  checks.validFrom = label.credential.validFrom;
  checks.validUntil = label.credential.validUntil ?? null;
  for (const purpose of PURPOSES) {
    const s = label.status[purpose]!;
    checks[purpose] = { index: s.index, list: s.entry.statusListCredential, set: null };
  }

  // 2. issuer
  if (options.expectedIssuer !== undefined && label.issuer !== options.expectedIssuer) {
    issues.push(
      issue(
        'unknown-issuer',
        'issuer.unexpected',
        `The label is issued by ${label.issuer}, not by ${options.expectedIssuer}.`,
      ),
    );
    return answer(token, issues, checks);
  }
  let doc: DidDocument | undefined;
  try {
    const found = resolveDid(options.didDocuments, label.issuer);
    doc = found instanceof Promise ? await found : found;
  } catch {
    doc = undefined; // a failing resolver (network, parse) leaves the issuer unknown, it does not throw
  }
  if (!doc || doc.id !== label.issuer) {
    issues.push(
      issue(
        'unknown-issuer',
        'issuer.unknown',
        `No DID document is available for the issuer ${label.issuer}.`,
      ),
    );
    return answer(token, issues, checks);
  }

  // 3. key
  if (head.kid.did !== label.issuer) {
    issues.push(
      issue(
        'unknown-key',
        'key.other-did',
        `The signing key ${head.kid.id} does not belong to the issuer ${label.issuer}.`,
      ),
    );
    return answer(token, issues, checks);
  }
  const key = keyFor(doc, head.kid.id);
  if (!key) {
    issues.push(
      issue(
        'unknown-key',
        'key.unknown',
        `The key ${head.kid.id} is not an assertion key of the issuer's DID document.`,
      ),
    );
    return answer(token, issues, checks);
  }
  const retiredAt = key.resolved.retiredAt;
  checks.keyStatus = retiredAt === undefined ? 'active' : 'retired';
  if (retiredAt !== undefined && label.validFrom > Date.parse(retiredAt)) {
    issues.push(
      issue(
        'unknown-key',
        'key.retired-before-issuance',
        `The key ${head.kid.id} was retired on ${retiredAt}, before this label's validFrom.`,
      ),
    );
    return answer(token, issues, checks);
  }
  // The explicit test gives a precise reason for none/HS256 tokens; jose would refuse them anyway.
  if (head.header.alg !== SIGNING_ALG) {
    issues.push(
      issue(
        'bad-signature',
        'alg.not-allowed',
        `The signature algorithm ${String(head.header.alg)} is not accepted; only ${SIGNING_ALG} is.`,
      ),
    );
    return answer(token, issues, checks);
  }

  // 5 (prepared before 4 so that it overlaps the signature check; reported only if the signature holds)
  const prepared = statusValidityAndLog(token, label, doc, options, checks);
  const later = prepared instanceof Promise ? await prepared : prepared;

  // 4. signature, through jose, EdDSA only
  const signatureOk =
    speculative && speculative.key === key ? await speculative.ok : await verifySignature(token, key);
  if (!signatureOk) {
    issues.push(
      issue('bad-signature', 'signature.invalid', 'The signature does not match the header and payload.'),
    );
    checks.revocation.set = null;
    checks.suspension.set = null;
    checks.log = { checked: false };
    return answer(token, issues, checks);
  }
  checks.signature = true;
  issues.push(...later);
  return answer(token, issues, checks, label.credential);
}

/** Builds the answer. A plain function, not a closure: no per-call allocation on the hot path. */
function answer(
  token: string,
  issues: Issue[],
  checks: VerifyChecks,
  credential?: LabelCredential,
): VerifyLabelResult {
  // Alphabet check deferred off the hot path (see hasJwsAlphabet): it only reclassifies a rejection.
  if (!checks.signature && typeof token === 'string' && !hasJwsAlphabet(token)) {
    issues.splice(0, issues.length, issue('malformed', 'token.malformed', NOT_BASE64URL));
  }
  const reasons: string[] = [];
  const codes: VerifyCode[] = [];
  for (const i of issues) {
    reasons.push(i.reason);
    codes.push(i.code);
  }
  const result: VerifyLabelResult = { status: overallStatus(issues), reasons, codes, checks };
  if (credential) result.credential = credential;
  return result;
}

/**
 * Microtask turns jose needs between compactVerify() and its call to crypto.subtle.verify (2 in jose 6.2).
 * Yielding that many turns lets the worker thread start before the main thread gets busy; if a future jose
 * needs more, the checks still hold, only the overlap shrinks.
 */
const JOSE_TICKS_TO_DISPATCH = 3;

interface Speculative {
  key: CachedKey;
  ok: Promise<boolean>;
}

/** Starts jose's verification with the key the header names, when it can be found without waiting. */
function startSignature(
  token: string,
  head: JwsHead,
  source: VerifyLabelOptions['didDocuments'],
): Speculative | undefined {
  if (head.header.alg !== SIGNING_ALG || typeof source === 'function') return undefined;
  const doc = findDocument(source, head.kid.did);
  const key = doc && keyFor(doc, head.kid.id);
  if (!key?.ready) return undefined;
  return { key, ok: verifyCompact(token, key.ready).then(TRUE, FALSE) };
}

const TRUE = () => true;
const FALSE = () => false;

async function verifySignature(token: string, key: CachedKey): Promise<boolean> {
  try {
    await verifyCompact(token, key.ready ?? (await key.key));
    return true;
  } catch {
    return false;
  }
}

/**
 * Stage 5: status bits, validity period and log proof. Every applicable problem is returned. Synchronous
 * when the status lists are already cached (the common case), to spare the hot path an await.
 */
function statusValidityAndLog(
  token: string,
  label: CheckedLabel,
  doc: DidDocument,
  options: VerifyLabelOptions,
  checks: VerifyChecks,
): Issue[] | Promise<Issue[]> {
  const lists = options.statusLists && analyseStatusLists(options.statusLists, doc);
  return lists instanceof Promise
    ? lists.then((done) => gatherStage5(token, label, done, options, checks))
    : gatherStage5(token, label, lists, options, checks);
}

function gatherStage5(
  token: string,
  label: CheckedLabel,
  lists: readonly ListAnalysis[] | undefined,
  options: VerifyLabelOptions,
  checks: VerifyChecks,
): Issue[] {
  const issues: Issue[] = [];
  const now = options.now.getTime();
  const tolerance = (options.clockToleranceSeconds ?? 0) * 1000;
  if (lists) {
    for (const purpose of PURPOSES) {
      const s = label.status[purpose]!;
      const outcome = checkEntry(purpose, s.entry, s.index, lists, now, tolerance);
      checks[purpose] = outcome.check;
      issues.push(...outcome.issues);
    }
  }
  if (label.validUntil !== undefined && now - tolerance > label.validUntil) {
    issues.push(issue('expired', 'validity.expired', `The label expired on ${label.credential.validUntil}.`));
  }
  if (now + tolerance < label.validFrom) {
    issues.push(
      issue(
        'not-yet-valid',
        'validity.not-yet-valid',
        `The label is not valid before ${label.credential.validFrom}.`,
      ),
    );
  }
  if (options.inclusion) {
    if (!options.logKeys || options.logKeys.length === 0) {
      throw new TypeError('verifyLabel: an inclusion proof needs logKeys');
    }
    const outcome = checkInclusion(token, label.credential.id, options.inclusion, {
      checker: options.logChecker,
      keys: options.logKeys,
      origin: options.logOrigin,
      entryMatches: options.logEntryMatches,
    });
    checks.log = outcome.log;
    issues.push(...outcome.issues);
  }
  return issues;
}

/** Arrays are searched synchronously: no extra await on the hot path. */
function resolveDid(
  source: VerifyLabelOptions['didDocuments'],
  did: string,
): DidDocument | undefined | Promise<DidDocument | undefined> {
  return typeof source === 'function' ? source(did) : findDocument(source, did);
}

function findDocument(docs: readonly DidDocument[], did: string): DidDocument | undefined {
  for (const doc of docs) if (doc.id === did) return doc;
  return undefined;
}
