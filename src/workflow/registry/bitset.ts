/**
 * Fixed-size bitsets over Uint32Array words, for the registry's search index. Loops are written out (no
 * callbacks) so V8 keeps them monomorphic: they run over 100,000-slot sets on every search.
 */

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

export function countBits(bits: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) n += popcount(bits[w]!);
  return n;
}

/** |a ∩ b|, without building the intersection. */
export function countAnd(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < a.length; w++) {
    const x = a[w]! & b[w]!;
    if (x !== 0) n += popcount(x);
  }
  return n;
}

/** Indexes of the non-zero words: counting over a sparse set then skips the empty stretches. */
export function nonZeroWords(bits: Uint32Array): Int32Array {
  const out = new Int32Array(bits.length);
  let n = 0;
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) out[n++] = w;
  return out.subarray(0, n);
}

/** |a ∩ b| over the words listed in `words` (the non-zero words of b). */
export function countAndAt(a: Uint32Array, b: Uint32Array, words: Int32Array): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const x = a[w]! & b[w]!;
    if (x !== 0) n += popcount(x);
  }
  return n;
}

/** a ∩= b. */
export function andInto(a: Uint32Array, b: Uint32Array): void {
  for (let w = 0; w < a.length; w++) a[w]! &= b[w]!;
}

/** a ∪= b. */
export function orInto(a: Uint32Array, b: Uint32Array): void {
  for (let w = 0; w < a.length; w++) a[w]! |= b[w]!;
}

/** a ∩ ¬b, as a new set. */
export function andNot(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let w = 0; w < a.length; w++) out[w] = a[w]! & ~b[w]!;
  return out;
}

export function has(bits: Uint32Array, slot: number): boolean {
  return (bits[slot >>> 5]! & (1 << (slot & 31))) !== 0;
}

export function set(bits: Uint32Array, slot: number): void {
  bits[slot >>> 5]! |= 1 << (slot & 31);
}

export function clear(bits: Uint32Array, slot: number): void {
  bits[slot >>> 5]! &= ~(1 << (slot & 31));
}

/** The set bits, in ascending order. */
export function slotsOf(bits: Uint32Array): number[] {
  const out: number[] = [];
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    while (x !== 0) {
      const low = x & -x;
      x ^= low;
      out.push((w << 5) | (31 - Math.clz32(low)));
    }
  }
  return out;
}

/** Per-code counts of `codes[slot]` over the set bits. */
export function countCodes(bits: Uint32Array, codes: Int32Array, size: number): Int32Array {
  const counts = new Int32Array(size);
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    while (x !== 0) {
      const low = x & -x;
      x ^= low;
      counts[codes[(w << 5) | (31 - Math.clz32(low))]!]!++;
    }
  }
  return counts;
}
