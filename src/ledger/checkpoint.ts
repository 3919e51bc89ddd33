/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed tree head of the log, as a
 * signed note (note.ts) whose text is
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n ...]
 *
 * The origin identifies the log; by the spec's advice the signing key's name should equal it. The
 * format is the one witnesses, monitors and Go tooling (transparency-dev, sigsum, Rekor v2) already
 * read, which is why we use it rather than an ad hoc JSON tree head.
 */
import { isIndex } from './bits.js';
import { firstControl, fromBase64, hasLoneSurrogate, toBase64, toHex } from './encoding.js';
import { type Failure, LedgerError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import {
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseNote,
  parseVkey,
  signNote,
  verifierFromPublicKey,
} from './note.js';

export { parseVkey, vkeyFromPublicKey } from './note.js';

export interface Checkpoint {
  origin: string;
  /** Number of leaves. */
  size: number;
  /** RFC 9162 root hash at that size. */
  root: Uint8Array;
  /** Opaque extension lines (the spec advises against them: monitors cannot audit them). */
  extensions?: readonly string[];
}

/** A checkpoint as read from a note: the parsed body, the exact body text, and its signatures. */
export interface ParsedCheckpoint extends Checkpoint {
  extensions: readonly string[];
  body: string;
  signatures: NoteSignature[];
}

function checkLine(value: string, what: string): void {
  if (value.length === 0) throw new LedgerError(`empty ${what}`, `the ${what} must not be empty`);
  if (firstControl(value, false) >= 0 || hasLoneSurrogate(value)) {
    throw new LedgerError(
      `bad ${what}`,
      `the ${what} must be one line of UTF-8 text without control characters`,
    );
  }
}

/** The checkpoint body (the signed text), validated. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, root, extensions = [] } = checkpoint;
  checkLine(origin, 'origin');
  if (!isIndex(size))
    throw new LedgerError('bad tree size', `tree size ${size} is not a non-negative safe integer`);
  if (root?.byteLength !== HASH_SIZE)
    throw new LedgerError('bad root hash', `the root hash must be ${HASH_SIZE} bytes`);
  for (const ext of extensions) checkLine(ext, 'extension line');
  return [origin, String(size), toBase64(root), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses a checkpoint body (the note text). Errors carry the 1-based line number. */
export function parseCheckpointBody(body: string): Checkpoint & { extensions: string[] } {
  if (!body.endsWith('\n'))
    throw new LedgerError('missing final newline', 'the checkpoint body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw new LedgerError(
      'too few lines',
      `the checkpoint has ${lines.length} lines, want origin, size and root hash`,
    );
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new LedgerError('empty origin', 'line 1: the origin is empty', 1);
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) {
    const why = /^0[0-9]+$/.test(sizeText) ? 'has a leading zero' : 'is not a decimal number';
    throw new LedgerError('bad tree size', `line 2: tree size ${JSON.stringify(sizeText)} ${why}`, 2);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size))
    throw new LedgerError('bad tree size', `line 2: tree size ${sizeText} is too large`, 2);
  const root = fromBase64(rootText);
  if (root === undefined)
    throw new LedgerError('bad root hash', 'line 3: the root hash is not canonical base64', 3);
  if (root.byteLength !== HASH_SIZE) {
    throw new LedgerError(
      'bad root hash',
      `line 3: the root hash is ${root.byteLength} bytes, want ${HASH_SIZE}`,
      3,
    );
  }
  const empty = extensions.indexOf('');
  if (empty >= 0)
    throw new LedgerError(
      'empty extension line',
      `line ${empty + 4}: extension lines must not be empty`,
      empty + 4,
    );
  return { origin, size, root, extensions };
}

/** Parses a signed checkpoint note without verifying signatures. Throws LedgerError. */
export function parseCheckpoint(note: string | Uint8Array): ParsedCheckpoint {
  const { text, signatures } = parseNote(note);
  return { ...parseCheckpointBody(text), body: text, signatures };
}

/** Formats and signs a checkpoint; one signer or several (e.g. the log key, then a witness). */
export async function signCheckpoint(
  checkpoint: Checkpoint,
  signer: NoteSigner | readonly NoteSigner[],
): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), signer);
}

export type CheckpointVerification =
  | { ok: true; checkpoint: ParsedCheckpoint; verifiedBy: string[] }
  | (Failure & { line?: number; checkpoint?: ParsedCheckpoint });

export interface VerifyCheckpointOptions {
  /** The origin the checkpoint must carry (the log's identity). */
  origin?: string;
}

/**
 * A trusted key: a vkey text, a parsed verifier, or a raw 32-byte Ed25519 public key with its key name
 * (as `{ name, publicKey }` or `{ keyName, publicKey }`, so a NoteSigner's public half also works).
 */
export type TrustedKey =
  | string
  | NoteVerifier
  | { readonly name: string; readonly publicKey: Uint8Array }
  | { readonly keyName: string; readonly publicKey: Uint8Array };

/** Turns trusted keys into verifiers; throws LedgerError for a malformed key (configuration, not input). */
export function toVerifiers(keys: readonly TrustedKey[]): NoteVerifier[] {
  return keys.map((k) => {
    if (typeof k === 'string') return parseVkey(k);
    if ('verify' in k) return k;
    return verifierFromPublicKey('keyName' in k ? k.keyName : k.name, k.publicKey);
  });
}

/**
 * Parses and verifies a signed checkpoint. At least one signature from `verifierKeys` must verify; signatures from other keys are ignored. Never throws for a bad note
 * (only for a bad vkey, which is configuration, not input).
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifierKeys: readonly TrustedKey[],
  options: VerifyCheckpointOptions = {},
): CheckpointVerification {
  const opened = openNote(note, toVerifiers(verifierKeys));
  if (!opened.ok && opened.note === undefined) return opened;
  const { text, signatures } = opened.ok ? opened.note : opened.note!;
  let checkpoint: ParsedCheckpoint;
  try {
    checkpoint = { ...parseCheckpointBody(text), body: text, signatures };
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    return {
      ok: false,
      reason: err.reason,
      message: err.message,
      ...(err.line === undefined ? {} : { line: err.line }),
    };
  }
  if (!opened.ok) return { ...opened, checkpoint };
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    const message = `line 1: origin ${JSON.stringify(checkpoint.origin)} is not the expected ${JSON.stringify(options.origin)}`;
    return { ok: false, reason: 'origin mismatch', message, line: 1, checkpoint };
  }
  const verifiedBy = opened.verifiedBy.map((s) => s.keyName);
  return { ok: true, checkpoint, verifiedBy };
}

/** A one-line description for messages: `origin@size root-prefix`. */
export function describeCheckpoint(c: Checkpoint): string {
  return `${c.origin}@${c.size} (root ${toHex(c.root).slice(0, 16)}…)`;
}
