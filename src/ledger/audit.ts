/**
 * A full audit of the log, as `confiance log verify` will run it: recompute the tree from every leaf,
 * check every stored checkpoint's signature and its root at its size, and report the FIRST divergence.
 *
 * Leaves are streamed (any iterable or async iterable) through a Frontier, so memory stays O(log n)
 * whatever the log's size: a million-leaf audit holds about twenty hashes, not the entries.
 *
 * Order of checks: all checkpoints' signatures first (cheap, and an unsigned checkpoint proves nothing),
 * then the leaves in log order, each checkpoint being compared when the stream reaches its size.
 *
 * Telling a tampered log from a forked one. When a checkpoint's root differs from the recomputed root,
 * either the leaves were altered after it was signed, or the checkpoint belongs to another history
 * (the log key signed two forks). The audit keeps streaming to decide: if a checkpoint of equal or
 * larger size matches the log, that checkpoint vouches for every leaf up to its size, so the earlier
 * mismatching checkpoint cannot be consistent with it (no consistency proof can exist between them,
 * barring a SHA-256 collision): kind 'inconsistent'. If none does, the leaves are at fault: kind
 * 'root-mismatch', with the range of leaves where the change must lie. Between two checkpoints that both
 * match, the recomputed log is itself the consistency proof, so none is computed.
 */
import { Frontier } from './append.js';
import {
  describeCheckpoint,
  type ParsedCheckpoint,
  type TrustedKey,
  toVerifiers,
  verifyCheckpoint,
} from './checkpoint.js';
import { bytesEqual, toHex } from './encoding.js';
import { decodeEntry } from './entry.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, leafHash } from './hash.js';

export type AuditFailureKind =
  | 'bad-checkpoint'
  | 'bad-signature'
  | 'bad-entry'
  | 'root-mismatch'
  | 'inconsistent'
  | 'size-beyond-log';

export interface AuditLocation {
  leafIndex?: number;
  checkpointIndex?: number;
  /** For 'inconsistent': the checkpoint that matches the log and contradicts this one. */
  otherCheckpointIndex?: number;
  /** For 'root-mismatch': the leaves [from, to) among which the divergence lies. */
  leafRange?: readonly [number, number];
  /** For checkpoint failures: the line of the note. */
  line?: number;
}

export type AuditResult =
  | { ok: true; size: number; root: Uint8Array; checkpoints: number }
  | { ok: false; kind: AuditFailureKind; at: AuditLocation; message: string };

export interface AuditInput {
  /** The leaves in log order: encoded entries (default) or, with leafFormat 'hashes', leaf hashes. */
  leaves: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  leafFormat?: 'entries' | 'hashes';
  /** The stored checkpoint notes; failures name them by their index in this list. */
  checkpoints: readonly (string | Uint8Array)[];
  /** Trusted log keys: vkey texts, parsed verifiers or raw public keys with their names. */
  verifierKeys: readonly TrustedKey[];
  /** The log's origin; when given, every checkpoint must carry it. */
  origin?: string;
  /** Called every `progressEvery` leaves (default 65,536) with the number of leaves read. */
  onProgress?: (leaves: number) => void;
  progressEvery?: number;
}

type Failure = Extract<AuditResult, { ok: false }>;

/** The first checkpoint that disagreed with the log: its index, size, the last good size, the log's root. */
interface Mismatch {
  index: number;
  size: number;
  from: number;
  root: Uint8Array;
}

function failure(kind: AuditFailureKind, at: AuditLocation, message: string): Failure {
  return { ok: false, kind, at, message };
}

function short(h: Uint8Array): string {
  return `${toHex(h).slice(0, 16)}…`;
}

export async function auditLog(input: AuditInput): Promise<AuditResult> {
  const verifiers = toVerifiers(input.verifierKeys);
  const checkpoints: ParsedCheckpoint[] = [];
  for (const [i, note] of input.checkpoints.entries()) {
    const v = verifyCheckpoint(note, verifiers, input.origin === undefined ? {} : { origin: input.origin });
    if (!v.ok) {
      const signature = v.reason === 'invalid signature' || v.reason === 'no known signature';
      const at = { checkpointIndex: i, ...(v.line === undefined ? {} : { line: v.line }) };
      return failure(signature ? 'bad-signature' : 'bad-checkpoint', at, `checkpoint ${i}: ${v.message}`);
    }
    checkpoints.push(v.checkpoint);
  }
  // Visit checkpoints by size; equal sizes in stored order.
  const order = checkpoints
    .map((_, i) => i)
    .sort((a, b) => checkpoints[a]!.size - checkpoints[b]!.size || a - b);

  const frontier = new Frontier();
  const every = input.progressEvery ?? 65_536;
  let next = 0; // position in `order`
  let lastGood: { index: number; size: number } | undefined;
  let mismatch: Mismatch | undefined;

  const rootMismatch = ({ index, size, from, root }: Mismatch): Failure =>
    failure(
      'root-mismatch',
      { checkpointIndex: index, leafRange: [from, size] },
      `checkpoint ${index} (${describeCheckpoint(checkpoints[index]!)}) does not match the log, whose root at size ` +
        `${size} is ${short(root)}: a leaf in [${from}, ${size}) was changed, removed, inserted or reordered`,
    );

  /** Compares the checkpoints of the current size; returns a decisive failure, if any. */
  const visitCheckpoints = (): Failure | undefined => {
    const size = frontier.size;
    let root: Uint8Array | undefined;
    for (; next < order.length && checkpoints[order[next]!]!.size === size; next++) {
      const k = order[next]!;
      root ??= frontier.root();
      if (bytesEqual(checkpoints[k]!.root, root)) {
        if (mismatch !== undefined) return inconsistent(mismatch.index, k);
        lastGood = { index: k, size };
      } else if (lastGood !== undefined && lastGood.size === size) {
        return inconsistent(k, lastGood.index);
      } else {
        mismatch ??= { index: k, size, from: lastGood?.size ?? 0, root };
      }
    }
    return undefined;
  };

  const inconsistent = (k: number, good: number): Failure =>
    failure(
      'inconsistent',
      { checkpointIndex: k, otherCheckpointIndex: good },
      `checkpoint ${k} (${describeCheckpoint(checkpoints[k]!)}) cannot be consistent with checkpoint ${good} ` +
        `(${describeCheckpoint(checkpoints[good]!)}), which matches the log: a trusted key signed two histories (a fork)`,
    );

  const step = (item: Uint8Array): Failure | undefined => {
    const index = frontier.size;
    let hash: Uint8Array;
    if (input.leafFormat === 'hashes') {
      if (item?.byteLength !== HASH_SIZE) {
        // Nothing to hash, so an earlier pending mismatch can no longer be classified: report it as is.
        return mismatch === undefined
          ? failure('bad-entry', { leafIndex: index }, `leaf ${index}: not a ${HASH_SIZE}-byte hash`)
          : rootMismatch(mismatch);
      }
      hash = item;
    } else {
      try {
        decodeEntry(item);
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        const f = failure('bad-entry', { leafIndex: index }, `leaf ${index}: ${err.message}`);
        // A mismatch at an earlier size is the earlier divergence: keep going to classify it (the raw
        // bytes still have a leaf hash), and report that instead.
        if (mismatch === undefined) return f;
      }
      hash = leafHash(item);
    }
    frontier.append(hash);
    if (input.onProgress !== undefined && frontier.size % every === 0) input.onProgress(frontier.size);
    return visitCheckpoints();
  };

  let decided = visitCheckpoints(); // Checkpoints of the empty tree.
  if (decided !== undefined) return decided;
  const leaves = input.leaves;
  if (Symbol.asyncIterator in leaves) {
    for await (const item of leaves) {
      decided = step(item);
      if (decided !== undefined) return decided;
    }
  } else {
    // Sync sources skip the per-item promise of for-await: about a second saved per million leaves.
    for (const item of leaves) {
      decided = step(item);
      if (decided !== undefined) return decided;
    }
  }

  if (mismatch !== undefined) return rootMismatch(mismatch);
  if (next < order.length) {
    const k = order[next]!;
    const cp = checkpoints[k]!;
    return failure(
      'size-beyond-log',
      { checkpointIndex: k, leafIndex: frontier.size },
      `checkpoint ${k} (${describeCheckpoint(cp)}) commits to ${cp.size} leaves but the log has ${frontier.size}: leaves are missing`,
    );
  }
  return { ok: true, size: frontier.size, root: frontier.root(), checkpoints: checkpoints.length };
}
