/** Dates, numbers, countries and labels as a reader of the page expects them in its language. */
import type { Lang, Translate } from './i18n/index.js';

export interface Formatter {
  /** 29 novembre 2026 / 29 November 2026 (Paris time: the authority's reference). */
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(value: number, fractionDigits?: number): string;
  percent(value: number): string;
  /** Country name from an ISO 3166-1 alpha-2 code, the code itself when unknown. */
  country(code: string): string;
  level(level: string | null | undefined): string;
  state(state: string): string;
}

const cache = new Map<Lang, Formatter>();

export function formatter(lang: Lang, t: Translate): Formatter {
  const hit = cache.get(lang);
  if (hit) return hit;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Europe/Paris' });
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  });
  const regions = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const made: Formatter = {
    date: (iso) => (iso ? date.format(new Date(iso)) : ''),
    dateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : ''),
    number: (value, fractionDigits = 0) =>
      new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value),
    percent: (value) => `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)} %`,
    country: (code) => {
      try {
        return regions.of(code) ?? code;
      } catch {
        return code;
      }
    },
    level: (level) => t(level ? `common.level.${level}` : 'common.level.none'),
    state: (state) => t(`common.state.${state}`),
  };
  cache.set(lang, made);
  return made;
}

/** DSFR badge modifier for a label level (colour is never the only cue: the badge says the level). */
export function levelBadge(level: string | null | undefined): string {
  switch (level) {
    case 'trusted':
      return 'fr-badge--green-emeraude';
    case 'eu-data':
      return 'fr-badge--blue-ecume';
    case 'baseline':
      return 'fr-badge--yellow-tournesol';
    default:
      return '';
  }
}

/** DSFR system badge for a public label state. */
export function stateBadge(state: string): string {
  switch (state) {
    case 'active':
      return 'fr-badge--success';
    case 'suspended':
      return 'fr-badge--warning';
    case 'revoked':
      return 'fr-badge--error';
    default:
      return 'fr-badge--info';
  }
}
