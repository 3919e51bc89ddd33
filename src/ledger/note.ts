/**
 * C2SP signed-note (https://c2sp.org/signed-note), Ed25519 only, behaving like Go's
 * golang.org/x/mod/sumdb/note, the reference implementation:
 *
 *   <text ending in \n>
 *   <blank line>
 *   — <key name> <base64(4-byte key ID ‖ signature)>\n     (one or more)
 *
 * The signature covers the text including its final newline, not the blank line. The key ID is the
 * first four bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
 *
 * Signing goes through a callback so the private key can stay in an HSM or a KMS; the returned
 * signature is verified against the stated public key before it is published, so a misconfigured
 * signer fails here rather than producing a note nobody can verify.
 *
 * Parsing is strict and every refusal names its reason and line (1-based, counted over the whole
 * note): a signed note is security-relevant input and should be rejected loudly, not repaired.
 */
import { createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import { firstControl, fromBase64, fromUtf8, hasLoneSurrogate, toBase64, utf8 } from './encoding.js';
import { type Failure, fail, LedgerError } from './errors.js';

/** The signature type byte of Ed25519 in signed notes. */
export const ED25519 = 0x01;
/** Go's limit; the spec requires accepting at least 16. */
export const MAX_SIGNATURES = 100;
/** Defensive size limit for a whole note: checkpoints are a few hundred bytes. */
export const MAX_NOTE_BYTES = 1 << 20;

const SIG_PREFIX = '\u2014 '; // em dash, space

export interface NoteSignature {
  keyName: string;
  /** The 4-byte key ID as an unsigned 32-bit integer. */
  keyHash: number;
  /** The signature bytes, without the key ID. */
  signature: Uint8Array;
  /** Line of the note where this signature sits. */
  line: number;
}

export interface Note {
  /** The signed text, final newline included. */
  text: string;
  signatures: NoteSignature[];
}

/** Someone who can sign: a key name, the raw 32-byte Ed25519 public key and a signing callback. */
export interface NoteSigner {
  keyName: string;
  publicKey: Uint8Array;
  sign: (message: Uint8Array) => Promise<Uint8Array>;
}

/** A trusted key, as parsed from a vkey. */
export interface NoteVerifier {
  readonly keyName: string;
  readonly keyHash: number;
  readonly publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Key names: non-empty, no Unicode space, no '+' (the vkey separator), no control character. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}\p{Cs}]/u.test(name);
}

function checkKey(keyName: string, publicKey: Uint8Array): void {
  if (!isValidKeyName(keyName)) {
    throw new LedgerError(
      'bad key name',
      `key name ${JSON.stringify(keyName)} is empty or has a space, '+' or control character`,
    );
  }
  if (publicKey?.byteLength !== 32) {
    throw new LedgerError(
      'bad public key',
      `an Ed25519 public key is 32 bytes, got ${publicKey?.byteLength}`,
    );
  }
}

/** The key ID: first 4 bytes, big-endian, of SHA-256(keyName ‖ 0x0A ‖ 0x01 ‖ publicKey). */
export function keyHash(keyName: string, publicKey: Uint8Array): number {
  checkKey(keyName, publicKey);
  const digest = hash(
    'sha256',
    Buffer.concat([utf8(keyName), Uint8Array.of(0x0a, ED25519), publicKey]),
    'buffer',
  );
  return digest.readUInt32BE(0);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** The verifier key text `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`. */
export function vkeyFromPublicKey(keyName: string, publicKey: Uint8Array): string {
  const id = keyHash(keyName, publicKey);
  return `${keyName}+${hex8(id)}+${toBase64(Buffer.concat([Uint8Array.of(ED25519), publicKey]))}`;
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** A verifier for a raw Ed25519 public key. */
export function verifierFromPublicKey(keyName: string, publicKey: Uint8Array): NoteVerifier {
  const id = keyHash(keyName, publicKey);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
  } catch {
    throw new LedgerError('bad public key', 'the public key is not a valid Ed25519 point');
  }
  const pub = Uint8Array.from(publicKey);
  return Object.freeze({
    keyName,
    keyHash: id,
    publicKey: pub,
    verify: (message: Uint8Array, signature: Uint8Array) =>
      signature.byteLength === 64 && verify(null, message, key, signature),
  });
}

/** Parses `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`, checking that the key ID matches the key. */
export function parseVkey(vkey: string): NoteVerifier {
  // The name cannot hold a '+' but the base64 key can: split on the first two only.
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw new LedgerError('bad vkey', 'a vkey is <name>+<key id>+<key>');
  const [name, id, key] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  if (!isValidKeyName(name))
    throw new LedgerError('bad vkey', `vkey name ${JSON.stringify(name)} is not a valid key name`);
  if (!/^[0-9a-fA-F]{8}$/.test(id))
    throw new LedgerError('bad vkey', `vkey key ID ${JSON.stringify(id)} is not 8 hex digits`);
  const material = fromBase64(key);
  if (material === undefined) throw new LedgerError('bad vkey', 'vkey key is not canonical base64');
  if (material[0] !== ED25519) {
    throw new LedgerError(
      'unsupported algorithm',
      `vkey algorithm 0x${(material[0] ?? 0).toString(16)} is not Ed25519 (0x01)`,
    );
  }
  if (material.byteLength !== 33)
    throw new LedgerError('bad vkey', `vkey Ed25519 key is ${material.byteLength - 1} bytes, want 32`);
  const verifier = verifierFromPublicKey(name, material.subarray(1));
  if (verifier.keyHash !== Number.parseInt(id, 16)) {
    throw new LedgerError(
      'key hash mismatch',
      `vkey key ID ${id} does not match its key (${hex8(verifier.keyHash)})`,
    );
  }
  return verifier;
}

/** Refuses text a signed note cannot carry (spec: valid UTF-8, no control character but newline). */
function checkNoteText(text: string): void {
  if (hasLoneSurrogate(text)) throw new LedgerError('not UTF-8', 'the note contains an unpaired surrogate');
  const at = firstControl(text, true);
  if (at >= 0) {
    const line = 1 + countNewlines(text.slice(0, at));
    const code = text.charCodeAt(at).toString(16).padStart(4, '0').toUpperCase();
    throw new LedgerError(
      'control character',
      `line ${line}: control character U+${code} is not allowed`,
      line,
    );
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Splits and checks a signed note without verifying anything. Throws LedgerError with a line number. */
export function parseNote(input: string | Uint8Array): Note {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > MAX_NOTE_BYTES)
    throw new LedgerError('note too large', `the note exceeds ${MAX_NOTE_BYTES} bytes`);
  let note: string;
  if (typeof input === 'string') {
    note = input;
  } else {
    const decoded = fromUtf8(input);
    if (decoded === undefined) throw new LedgerError('not UTF-8', 'the note is not valid UTF-8');
    note = decoded;
  }
  checkNoteText(note);
  if (!note.endsWith('\n')) {
    const line = countNewlines(note) + 1;
    throw new LedgerError(
      'missing final newline',
      `line ${line}: the note does not end with a newline (truncated?)`,
      line,
    );
  }
  // The text ends at the last empty line; what follows are the signatures.
  const split = note.lastIndexOf('\n\n');
  if (split < 0)
    throw new LedgerError('missing blank line', 'no blank line separates the text from the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  const firstSigLine = countNewlines(text) + 2;
  if (block === '')
    throw new LedgerError(
      'no signatures',
      `line ${firstSigLine}: no signature line after the blank line`,
      firstSigLine,
    );

  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new LedgerError(
      'too many signatures',
      `the note has ${lines.length} signatures, at most ${MAX_SIGNATURES} are read`,
    );
  }
  const signatures = lines.map((raw, i) => parseSignatureLine(raw, firstSigLine + i));
  return { text, signatures };
}

function parseSignatureLine(raw: string, line: number): NoteSignature {
  const at = `line ${line}: `;
  if (!raw.startsWith(SIG_PREFIX)) {
    throw new LedgerError(
      'malformed signature line',
      `${at}a signature line starts with an em dash and a space`,
      line,
    );
  }
  const rest = raw.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0)
    throw new LedgerError('malformed signature line', `${at}expected "— <key name> <signature>"`, line);
  const keyName = rest.slice(0, space);
  if (!isValidKeyName(keyName))
    throw new LedgerError('bad key name', `${at}key name ${JSON.stringify(keyName)} is not valid`, line);
  const bytes = fromBase64(rest.slice(space + 1));
  if (bytes === undefined)
    throw new LedgerError('bad base64', `${at}the signature is not canonical base64`, line);
  if (bytes.byteLength < 5)
    throw new LedgerError(
      'signature too short',
      `${at}a signature is a 4-byte key ID and at least one byte`,
      line,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { keyName, keyHash: view.getUint32(0), signature: bytes.slice(4), line };
}

/** Signs `text` (non-empty, ending in a newline) with every signer, in order. */
export async function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): Promise<string> {
  if (text.length === 0 || !text.endsWith('\n'))
    throw new LedgerError('bad note text', 'the note text must end with a newline');
  checkNoteText(text);
  const list = Array.isArray(signers) ? (signers as readonly NoteSigner[]) : [signers as NoteSigner];
  if (list.length === 0) throw new LedgerError('no signers', 'at least one signer is needed');
  const message = utf8(text);
  let out = `${text}\n`;
  for (const signer of list) {
    const verifier = verifierFromPublicKey(signer.keyName, signer.publicKey);
    const signature = await signer.sign(message);
    if (!(signature instanceof Uint8Array) || !verifier.verify(message, signature)) {
      throw new LedgerError(
        'signer mismatch',
        `the signature from ${signer.keyName}'s sign() does not verify with its public key`,
      );
    }
    const id = Buffer.alloc(4);
    id.writeUInt32BE(verifier.keyHash);
    out += `${SIG_PREFIX}${signer.keyName} ${toBase64(Buffer.concat([id, signature]))}\n`;
  }
  return out;
}

export type NoteVerification =
  | { ok: true; note: Note; verifiedBy: NoteSignature[] }
  | (Failure & { line?: number; note?: Note });

/**
 * Parses and verifies a note against trusted keys. Signatures from unknown keys are ignored; a
 * signature from a known key that does not verify rejects the whole note; at least one known key must
 * have signed. Only the first signature per known key counts, as in Go.
 */
export function openNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[]): NoteVerification {
  let note: Note;
  try {
    note = parseNote(input);
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    return { ...fail(err.reason, err.message), ...(err.line === undefined ? {} : { line: err.line }) };
  }
  const known = new Map(verifiers.map((v) => [`${v.keyName}\n${v.keyHash}`, v]));
  const seen = new Set<string>();
  const verifiedBy: NoteSignature[] = [];
  const message = utf8(note.text);
  for (const sig of note.signatures) {
    const id = `${sig.keyName}\n${sig.keyHash}`;
    const verifier = known.get(id);
    if (verifier === undefined || seen.has(id)) continue;
    seen.add(id);
    if (!verifier.verify(message, sig.signature)) {
      const msg = `line ${sig.line}: the signature by ${sig.keyName} (key ${hex8(sig.keyHash)}) does not verify`;
      return { ...fail('invalid signature', msg), line: sig.line, note };
    }
    verifiedBy.push(sig);
  }
  if (verifiedBy.length === 0) {
    const names = [...new Set(note.signatures.map((s) => `${s.keyName}+${hex8(s.keyHash)}`))].join(', ');
    return { ...fail('no known signature', `no signature from a trusted key (signed by: ${names})`), note };
  }
  return { ok: true, note, verifiedBy };
}
