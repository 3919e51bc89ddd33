/**
 * Bit arithmetic on tree sizes and indices held in JavaScript numbers.
 *
 * Why this file exists: JavaScript's bitwise operators work on 32-bit integers, so `size >> 1` or
 * `a ^ b` silently corrupt anything at or above 2^31. A log that outgrows two billion entries is not
 * expected, but a proof verifier must not give wrong answers for large (possibly hostile) inputs, so
 * every operation here is exact for all safe integers (0 ≤ x ≤ 2^53 - 1). The 32-bit fast path keeps
 * the common case as cheap as the native operator.
 */

const TWO32 = 2 ** 32;

/** True for integers a tree size or index can take: 0 ≤ x ≤ Number.MAX_SAFE_INTEGER. */
export function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Number of bits needed to write x (Go's bits.Len64): 0 for 0, 1 for 1, 3 for 5. */
export function bitLength(x: number): number {
  if (x < TWO32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO32));
}

/** Exclusive or of two safe non-negative integers. */
export function xor(a: number, b: number): number {
  if (a < TWO32 && b < TWO32) return (a ^ b) >>> 0;
  // `^` applies ToInt32, which is exact modulo 2^32 for integers, so the low words combine directly.
  const hi = (Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) >>> 0;
  return hi * TWO32 + ((a ^ b) >>> 0);
}

/** x >> k without 32-bit truncation. */
export function shr(x: number, k: number): number {
  if (x < TWO32 && k < 32) return x >>> k;
  return Math.floor(x / 2 ** k);
}

/** x << k without 32-bit truncation (the caller keeps the result below 2^53). */
export function shl(x: number, k: number): number {
  return x * 2 ** k;
}

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Number of set bits. */
export function popcount(x: number): number {
  if (x < TWO32) return popcount32(x);
  return popcount32(x >>> 0) + popcount32(Math.floor(x / TWO32));
}

/** Number of trailing zero bits; 0 has none by convention here (callers never ask for 0). */
export function trailingZeros(x: number): number {
  if (x === 0) return 0;
  const lo = x >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(x / TWO32);
  return 32 + 31 - Math.clz32(hi & -hi);
}

/** True when x is 2^k for some k ≥ 0. */
export function isPowerOfTwo(x: number): boolean {
  return x > 0 && popcount(x) === 1;
}

/** The largest power of two strictly smaller than n (n ≥ 2): the RFC 6962 split point k. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}
