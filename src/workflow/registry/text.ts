/**
 * Folding for search and ordering: NFD, diacritics removed, lower case. "Santé Hébergement" and
 * "sante hebergement" fold to the same words, so search and sort are accent- and case-insensitive on both
 * engines without relying on a database collation or extension.
 */

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The folded words of a text: letters and digits, everything else separates. */
export function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Distinct folded words of several texts, in first-seen order. */
export function distinctWords(...texts: string[]): string[] {
  return [...new Set(texts.flatMap(words))];
}

/**
 * The half-open range [from, to) holding every string that starts with `prefix`, in code-point order
 * (SQLite BINARY, PostgreSQL "C"): an index range scan instead of a LIKE the planner may not index.
 * `to` is null when the prefix ends with the last code point (nothing sorts after it).
 */
export function prefixRange(prefix: string): { from: string; to: string | null } {
  const points = Array.from(prefix);
  const last = points.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return { from: prefix, to: null };
  // Skip the surrogate block: lone surrogates cannot be stored as UTF-8.
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return { from: prefix, to: points.join('') + String.fromCodePoint(next) };
}
