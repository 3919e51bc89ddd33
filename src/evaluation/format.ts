/** Rendering of cited values inside explanation sentences, per language. */
import type { Lang } from '../referential/types.js';

const NONE: Record<Lang, string> = { fr: 'aucun', en: 'none' };
const BOOL: Record<Lang, [string, string]> = { fr: ['non', 'oui'], en: ['no', 'yes'] };

export function formatValue(value: unknown, lang: Lang): string {
  if (value === null || value === undefined) return NONE[lang];
  if (typeof value === 'bigint') return formatNumber(Number(value), lang);
  if (typeof value === 'number') return formatNumber(value, lang);
  if (typeof value === 'boolean') return BOOL[lang][value ? 1 : 0];
  if (typeof value === 'string') return value === '' ? NONE[lang] : value;
  if (Array.isArray(value))
    return value.length === 0 ? NONE[lang] : value.map((v) => formatValue(v, lang)).join(', ');
  if (value instanceof Map) return formatValue(Object.fromEntries(value), lang);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string') return o.name;
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return String(value);
}

export function formatNumber(n: number, lang: Lang): string {
  const rounded = Math.round(n * 100) / 100;
  const text = String(rounded);
  return lang === 'fr' ? text.replace('.', ',') : text;
}

// Templates are split once into literal text and placeholder names; rendering then only concatenates.
const compiledTemplates = new Map<string, string[]>();

export function renderTemplate(template: string, values: Record<string, unknown>, lang: Lang): string {
  let parts = compiledTemplates.get(template);
  if (!parts) {
    // split() with a capturing group alternates literal text (even indexes) and names (odd indexes).
    parts = template.split(/\{([A-Za-z][A-Za-z0-9_]*)\}/);
    compiledTemplates.set(template, parts);
  }
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += formatValue(values[parts[i]!], lang) + parts[i + 1]!;
  return out;
}

/** CEL returns BigInt for integers and Map for some aggregates; JSON output wants plain values. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
