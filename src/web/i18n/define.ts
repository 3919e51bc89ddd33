/** The shape of a message catalogue, apart from ./index.ts so that catalogues do not import the index. */

/** `en` must have exactly the keys of `fr`. */
export interface Catalogue<K extends string = string> {
  fr: Record<K, string>;
  en: Record<K, string>;
}

/** Declares a catalogue; the type checker refuses an English side that misses a French key. */
export function catalogue<const F extends Record<string, string>>(
  fr: F,
  en: Record<keyof F, string>,
): Catalogue<Extract<keyof F, string>> {
  return { fr, en } as Catalogue<Extract<keyof F, string>>;
}
