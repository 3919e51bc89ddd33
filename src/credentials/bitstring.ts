/**
 * The bitstring of W3C Bitstring Status List v1.0: one bit per credential, index 0 being the left-most
 * (most significant) bit of the first byte; published as multibase base64url (prefix 'u', no padding) of
 * the GZIP (RFC 1952) of the bytes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { MIN_STATUS_LIST_ENTRIES } from './constants.js';
import { base64urlDecode, base64urlEncode } from './encoding.js';

/** Multibase prefix of base64url without padding. */
const MULTIBASE_BASE64URL = 'u';

/**
 * Default cap on the decompressed size: 16 MiB, i.e. 134 million entries, far above any real list.
 * A GZIP bomb (a few KiB expanding to gigabytes) stops at this cap instead of exhausting memory.
 */
export const DEFAULT_MAX_DECODED_BYTES = 16 * 1024 * 1024;

export class StatusListError extends Error {
  override name = 'StatusListError';
}

export class StatusBitstring {
  readonly #bytes: Uint8Array;

  /**
   * `new StatusBitstring(length)`: all entries unset; `length` is at least 131,072 and a multiple of 8.
   * `new StatusBitstring(bytes)`: wraps existing bytes (no copy), e.g. a list loaded from storage.
   */
  constructor(lengthOrBytes: number | Uint8Array = MIN_STATUS_LIST_ENTRIES) {
    if (typeof lengthOrBytes === 'number') {
      assertLength(lengthOrBytes);
      this.#bytes = new Uint8Array(lengthOrBytes / 8);
    } else {
      assertLength(lengthOrBytes.length * 8);
      this.#bytes = lengthOrBytes;
    }
  }

  /**
   * Parses an `encodedList`. Refuses: a missing 'u' prefix, non-base64url text, non-GZIP data, output larger
   * than `maxDecodedBytes` (GZIP bomb), output shorter than 16 KiB (the spec's minimum).
   */
  static decode(encoded: string, { maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES } = {}): StatusBitstring {
    if (typeof encoded !== 'string' || !encoded.startsWith(MULTIBASE_BASE64URL)) {
      throw new StatusListError("encodedList must be multibase base64url (prefix 'u')");
    }
    let compressed: Uint8Array;
    try {
      compressed = base64urlDecode(encoded.slice(1));
    } catch {
      throw new StatusListError('encodedList is not base64url');
    }
    let bytes: Uint8Array;
    try {
      // maxOutputLength makes zlib abort as soon as the output would exceed the cap.
      bytes = gunzipSync(compressed, { maxOutputLength: maxDecodedBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new StatusListError(`encodedList expands beyond ${maxDecodedBytes} bytes; refused`);
      }
      throw new StatusListError('encodedList is not valid GZIP data');
    }
    if (bytes.length * 8 < MIN_STATUS_LIST_ENTRIES) {
      throw new StatusListError(
        `status list has ${bytes.length * 8} entries, the minimum is ${MIN_STATUS_LIST_ENTRIES}`,
      );
    }
    // A plain Uint8Array view of zlib's Buffer, so callers never see Buffer-specific behaviour.
    return new StatusBitstring(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  get length(): number {
    return this.#bytes.length * 8;
  }

  get(index: number): boolean {
    this.#check(index);
    return (this.#bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  set(index: number, value = true): void {
    this.#check(index);
    const mask = 0x80 >>> (index & 7);
    const byte = index >>> 3;
    this.#bytes[byte] = value ? this.#bytes[byte]! | mask : this.#bytes[byte]! & ~mask;
  }

  /** Multibase base64url of the GZIP of the bitstring. Deterministic: no timestamp in the GZIP header. */
  encode(): string {
    return MULTIBASE_BASE64URL + base64urlEncode(gzipSync(this.#bytes, { level: 9 }));
  }

  /** A copy of the raw bytes (for storage). */
  toBytes(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }

  #check(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`status index ${index} is outside the list (0..${this.length - 1})`);
    }
  }
}

function assertLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < MIN_STATUS_LIST_ENTRIES || length % 8 !== 0) {
    throw new RangeError(`a status list has at least ${MIN_STATUS_LIST_ENTRIES} entries, in whole bytes`);
  }
}
