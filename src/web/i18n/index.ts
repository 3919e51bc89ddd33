/**
 * Messages of the pages, French first and English second, split by area so that each area's owner edits
 * one file: common.ts (layout, sign-in, errors), public.ts (registry, dashboard), console.ts (provider console), review.ts (assessor and authority consoles).
 * Keys are prefixed by area and must be unique across catalogues (checked at load).
 * `{name}` in a message is replaced by the parameter of that name; the template escapes the result.
 */
import { commonMessages } from './common.js';
import { consoleMessages } from './console.js';
import type { Catalogue } from './define.js';
import { publicMessages } from './public.js';
import { reviewMessages } from './review.js';

export { type Catalogue, catalogue } from './define.js';

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'fr';

const CATALOGUES = {
  common: commonMessages,
  public: publicMessages,
  console: consoleMessages,
  review: reviewMessages,
};

export type MessageKey =
  | keyof typeof commonMessages.fr
  | keyof typeof publicMessages.fr
  | keyof typeof consoleMessages.fr
  | keyof typeof reviewMessages.fr;

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey | (string & {}), params?: Params) => string;

const TABLES: Record<Lang, Map<string, string>> = { fr: new Map(), en: new Map() };
for (const [area, cat] of Object.entries(CATALOGUES) as Array<[string, Catalogue]>) {
  for (const lang of LANGS) {
    for (const [key, text] of Object.entries(cat[lang])) {
      if (TABLES[lang].has(key)) throw new Error(`message key ${key} of ${area}.ts is defined twice`);
      TABLES[lang].set(key, text);
    }
  }
}

export function hasMessage(key: string): boolean {
  return TABLES.fr.has(key);
}

export function isLang(value: unknown): value is Lang {
  return value === 'fr' || value === 'en';
}

/**
 * A missing key renders as the key itself rather than failing the page: a test checks that every key a
 * template names exists (test/web/i18n.test.ts), so this only shows during development.
 */
export function translator(lang: Lang): Translate {
  const table = TABLES[lang];
  return (key, params) => {
    const text = table.get(key) ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params[name] === undefined ? whole : String(params[name]),
    );
  };
}
