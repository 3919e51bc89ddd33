/** Value dictionaries and "most frequent first" lists for the registry's search index. */

/** Strings to dense integer codes, so per-slot columns are typed arrays of codes. */
export class Dictionary {
  readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.push(value) - 1;
      this.codes.set(value, code);
    }
    return code;
  }
}

const byCountThenValue = (a: [string, number], b: [string, number]) =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The `limit` largest non-zero counts, ties by value; selects by threshold first so long lists are not fully sorted. */
export function top(entries: Array<[string, number]>, limit: number): Array<[string, number]> {
  let kept = entries.filter(([, n]) => n > 0);
  if (kept.length > limit * 2) {
    const counts = Int32Array.from(kept, ([, n]) => -n).sort();
    const threshold = -counts[limit - 1]!;
    kept = kept.filter(([, n]) => n >= threshold);
  }
  return kept.sort(byCountThenValue).slice(0, limit);
}

/** `top` over a large dictionary's counts (providers): only codes at or above the limit-th count become entries. */
export function topCodes(
  counts: Int32Array,
  values: readonly string[],
  limit: number,
): Array<[string, number]> {
  const sorted = counts.slice().sort();
  const threshold = Math.max(1, sorted[sorted.length - limit] ?? 1);
  const entries: Array<[string, number]> = [];
  for (let c = 0; c < counts.length; c++) if (counts[c]! >= threshold) entries.push([values[c]!, counts[c]!]);
  return top(entries, limit);
}
