/**
 * Query-string values as pages read them. A repeated parameter arrives as an array; a page that expects
 * one value takes the first, so a crafted URL gets the page rather than an error.
 */
export function one(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

export function many(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}
