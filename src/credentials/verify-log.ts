/**
 * Transparency-log part of the offline verifier: a signed checkpoint (C2SP note), an RFC 9162 inclusion
 * proof, and the log entry, which must commit to this very label.
 *
 * The Merkle and checkpoint code lives in src/ledger (pure: node:crypto and canonicalize only). The
 * verifier needs three of its functions, behind the `LogInclusionChecker` interface so that tests and other
 * deployments can substitute their own; `ledgerChecker` is the default.
 */
import { decodeEntry, entryLeafHash, verifyCheckpoint, verifyInclusion } from '../ledger/index.js';
import { sha256Hex } from './encoding.js';
import { type Issue, issue } from './verify-report.js';

export interface LogVerifierKey {
  name: string;
  publicKey: Uint8Array;
}

export interface LogCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export interface LogInclusionChecker {
  verifyCheckpoint(
    text: string,
    verifierKeys: LogVerifierKey[],
  ): { ok: boolean; checkpoint?: LogCheckpoint; reason?: string };
  entryLeafHash(entry: Uint8Array): Uint8Array;
  verifyInclusion(
    leafHash: Uint8Array,
    index: number,
    treeSize: number,
    proof: Uint8Array[],
    root: Uint8Array,
  ): boolean;
}

export interface InclusionInput {
  /** The log entry, as bytes or standard base64. */
  entry: Uint8Array | string;
  leafIndex: number;
  /** Audit path, each hash as bytes or standard base64. */
  proof: Array<Uint8Array | string>;
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

/** The ledger itself (src/ledger), seen through the interface above. */
export const ledgerChecker: LogInclusionChecker = {
  verifyCheckpoint: (text, keys) => verifyCheckpoint(text, keys),
  entryLeafHash: (entry) => entryLeafHash(entry),
  verifyInclusion: (leaf, index, size, proof, root) => verifyInclusion(leaf, index, size, proof, root),
};

/** What a log entry must commit to: the token's SHA-256 (credentialDigest) and the label id. */
export interface LabelRef {
  digest: string;
  id: string;
}

/** Decides whether a log entry records the issuance of this label. */
export type EntryMatcher = (entry: Uint8Array, label: LabelRef) => boolean;

/**
 * Default, for the ledger's entry format (canonical JSON `{v, type, at, subject, digest, data?}`): a
 * `label.issued` entry whose subject is the label id and whose digest is the token's SHA-256.
 */
export const defaultEntryMatcher: EntryMatcher = (entry, label) => {
  try {
    const decoded = decodeEntry(entry);
    return decoded.type === 'label.issued' && decoded.subject === label.id && decoded.digest === label.digest;
  } catch {
    return false;
  }
};

export interface LogCheck {
  checked: boolean;
  included?: boolean;
  treeSize?: number;
}

export interface LogOptions {
  checker?: LogInclusionChecker;
  keys: LogVerifierKey[];
  origin?: string;
  entryMatches?: EntryMatcher;
}

export function checkInclusion(
  token: string,
  labelId: string,
  input: InclusionInput,
  options: LogOptions,
): { log: LogCheck; issues: Issue[] } {
  try {
    return check(token, labelId, input, options);
  } catch {
    // The checker throws on malformed proofs or notes; to a relying party that is simply "not proven".
    return {
      log: { checked: true, included: false },
      issues: [issue('bad-signature', 'log.not-included', 'The log proof or checkpoint is malformed.')],
    };
  }
}

function check(
  token: string,
  labelId: string,
  input: InclusionInput,
  options: LogOptions,
): { log: LogCheck; issues: Issue[] } {
  const log: LogCheck = { checked: true, included: false };
  const fail = (code: Issue['code'], reason: string) => ({
    log,
    issues: [issue('bad-signature', code, reason)],
  });

  const checker = options.checker ?? ledgerChecker;
  const verdict = checker.verifyCheckpoint(input.checkpoint, options.keys);
  if (!verdict.ok || !verdict.checkpoint) {
    return fail(
      'log.checkpoint-invalid',
      `The log checkpoint does not verify (${verdict.reason ?? 'no reason given'}).`,
    );
  }
  const { checkpoint } = verdict;
  log.treeSize = checkpoint.size;
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    return fail(
      'log.checkpoint-invalid',
      `The log checkpoint is from ${checkpoint.origin}, not ${options.origin}.`,
    );
  }
  const entry = bytes(input.entry);
  if (!(options.entryMatches ?? defaultEntryMatcher)(entry, { digest: sha256Hex(token), id: labelId })) {
    return fail('log.entry-mismatch', 'The log entry supplied does not refer to this label.');
  }
  const leaf = checker.entryLeafHash(entry);
  const included = checker.verifyInclusion(
    leaf,
    input.leafIndex,
    checkpoint.size,
    input.proof.map(bytes),
    checkpoint.root,
  );
  log.included = included;
  if (!included)
    return fail(
      'log.not-included',
      `The inclusion proof does not lead to the checkpoint root of size ${checkpoint.size}.`,
    );
  return { log, issues: [] };
}

function bytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}
