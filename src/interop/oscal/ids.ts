/**
 * Stable OSCAL identifiers. OSCAL wants a UUID on most objects and expects the same subject to keep it
 * across revisions; ours are UUID v5 (name-based, SHA-1) of our own ids, so two exports of the same content
 * are byte-identical and a new version diffs cleanly. Props use our namespace.
 */
import { v5 as uuidv5 } from 'uuid';

/** Namespace of the props and parts we add to OSCAL documents. */
export const OSCAL_NS = 'https://confiance.dev/ns/oscal';

/** The OSCAL version our exports conform to (schemas vendored in vendor/oscal/). */
export const OSCAL_VERSION = '1.1.3';

// Derived once from our namespace URL: every UUID we emit lives under it.
const UUID_NAMESPACE = uuidv5(`${OSCAL_NS}/uuid`, uuidv5.URL);

/** UUID v5 of the joined parts (e.g. `stableUuid('catalog', 'eu-csf', '1.0.0')`). */
export function stableUuid(...parts: readonly string[]): string {
  // U+001F cannot occur in our ids, so ('a b', 'c') and ('a', 'b c') never collide.
  return uuidv5(parts.join('\u001f'), UUID_NAMESPACE);
}

/** OSCAL StringDatatype refuses leading or trailing whitespace and line breaks in single-line values. */
export function oscalString(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? '-' : flat;
}

/** A calendar date (YYYY-MM-DD) as an OSCAL date-time with a time zone. */
export function oscalDateTime(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date;
}
