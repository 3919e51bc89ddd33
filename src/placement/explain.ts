/**
 * Decisions in words, French first. The engine answers with codes and parameters; the words live here so
 * a receipt, the CLI and the API say the same thing, and so the engine's hot path builds no strings.
 */
import type { Check, DataClass, Lang } from './types.js';

const TERRITORY_NAMES: Record<string, Record<Lang, string>> = {
  'params.eeaCountries': { fr: "l'EEE", en: 'the EEA' },
  'params.euCountries': { fr: "l'UE", en: 'the EU' },
};

const regionNames: Partial<Record<Lang, Intl.DisplayNames>> = {};

/** "France (FR)"; the code alone when the runtime has no name for it. */
export function countryName(code: string, lang: Lang): string {
  try {
    regionNames[lang] ??= new Intl.DisplayNames([lang], { type: 'region' });
    const name = regionNames[lang]!.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** How a class's territories read: "l'EEE", "France (FR)", "anywhere". */
export function territoryText(cls: Pick<DataClass, 'territoryTokens'>, lang: Lang): string {
  if (cls.territoryTokens === null) return lang === 'fr' ? 'partout' : 'anywhere';
  return cls.territoryTokens
    .map((t) => TERRITORY_NAMES[t]?.[lang] ?? (/^[A-Z]{2}$/.test(t) ? countryName(t, lang) : t))
    .join(lang === 'fr' ? ' ou ' : ' or ');
}

const list = (value: unknown, lang: Lang) =>
  Array.isArray(value) && value.length > 0 ? value.join(', ') : lang === 'fr' ? 'aucune' : 'none';

const countries = (value: unknown, lang: Lang) =>
  Array.isArray(value) && value.length > 0 ? value.map((c) => countryName(String(c), lang)).join(', ') : '?';

/** `SOV-2:3,SOV-3:3` → "SOV-2 ≥ SEAL-3, SOV-3 ≥ SEAL-3". */
const gateText = (value: unknown) =>
  String(value)
    .split(',')
    .map((r) => r.replace(/^(SOV-\d+):(\d)$/, '$1 ≥ SEAL-$2'))
    .join(', ');

/** `SOV-2:1-2` → "SOV-2 (SEAL-1 à SEAL-2)"; an objective alone has no level in the registry. */
const sealBounds = (value: unknown, lang: Lang) =>
  (Array.isArray(value) ? value : [])
    .map((item) => {
      const m = /^(SOV-\d+):(\d)-(\d)$/.exec(String(item));
      if (!m) return `${item} (${lang === 'fr' ? 'non évalué' : 'not assessed'})`;
      if (m[2] === m[3]) return `${m[1]} (SEAL-${m[2]})`;
      return `${m[1]} (SEAL-${m[2]} ${lang === 'fr' ? 'à' : 'to'} SEAL-${m[3]})`;
    })
    .join(', ');

type Template = (p: Check['params'], cls: DataClass, lang: Lang) => string;

const MESSAGES: Record<string, Record<Lang, Template>> = {
  'offer.unknown': {
    fr: (p) => `L'offre ${p.offer} n'a pas de label au registre.`,
    en: (p) => `Offer ${p.offer} has no label in the registry.`,
  },
  'offer.none-eligible': {
    fr: (p) => `Aucune des ${p.offers} offres labellisées ne remplit les exigences de la classe.`,
    en: (p) => `None of the ${p.offers} labelled offers meets the class's requirements.`,
  },
  'region.not-covered': {
    fr: (p, _c, l) =>
      `Le label de l'offre ${p.offer} ne couvre pas la région ${p.region} (régions couvertes : ${list(p.covered, l)}).`,
    en: (p, _c, l) =>
      `The label of offer ${p.offer} does not cover region ${p.region} (regions covered: ${list(p.covered, l)}).`,
  },
  'label.not-required': {
    fr: () => 'Aucun label exigé pour cette classe de données.',
    en: () => 'No label required for this class of data.',
  },
  'label.active': {
    fr: (p, c) => `Label de niveau ${p.level} actif (exigé : ${c.minimumLevel} au moins).`,
    en: (p, c) => `Active label at level ${p.level} (required: ${c.minimumLevel} or above).`,
  },
  'label.level': {
    fr: (p) => `Le label est de niveau ${p.level}, inférieur au niveau ${p.required} exigé.`,
    en: (p) => `The label is at level ${p.level}, below the required ${p.required}.`,
  },
  'label.state': {
    fr: (p) => `Le label ${p.label} n'est pas actif (${STATE_FR[String(p.state)] ?? p.state}).`,
    en: (p) => `Label ${p.label} is not active (${p.state}).`,
  },
  'label.none': {
    fr: (p) =>
      `Aucune offre labellisée ne couvre la région ${p.region}${p.provider ? ` de ${p.provider}` : ''} ; le niveau ${p.required} est exigé.`,
    en: (p) =>
      `No labelled offer covers region ${p.region}${p.provider ? ` of ${p.provider}` : ''}; level ${p.required} is required.`,
  },
  'territory.anywhere': {
    fr: () => 'Aucune exigence de territoire.',
    en: () => 'No territory requirement.',
  },
  'territory.inside': {
    fr: (p, c, l) =>
      `Données en ${countries(p.countries, l)}, dans le territoire autorisé (${territoryText(c, l)}).`,
    en: (p, c, l) =>
      `Data in ${countries(p.countries, l)}, inside the allowed territory (${territoryText(c, l)}).`,
  },
  'territory.outside': {
    fr: (p, c, l) =>
      `Données en ${countries(p.countries, l)}, hors du territoire autorisé (${territoryText(c, l)}).`,
    en: (p, c, l) =>
      `Data in ${countries(p.countries, l)}, outside the allowed territory (${territoryText(c, l)}).`,
  },
  'territory.unknown': {
    fr: (_p, c, l) => `Pays inconnu ; le territoire autorisé est ${territoryText(c, l)}.`,
    en: (_p, c, l) => `Unknown country; the allowed territory is ${territoryText(c, l)}.`,
  },
  'certification.held': {
    fr: (p, _c, l) => `Certification(s) détenue(s) : ${list(p.schemes, l)}.`,
    en: (p, _c, l) => `Certification(s) held: ${list(p.schemes, l)}.`,
  },
  'certification.missing': {
    fr: (p, _c, l) => `Certification(s) manquante(s) : ${list(p.missing, l)}.`,
    en: (p, _c, l) => `Certification(s) missing: ${list(p.missing, l)}.`,
  },
  'certification.unknown': {
    fr: (p, _c, l) => `Le registre consulté ne dit pas si l'offre détient ${list(p.required, l)}.`,
    en: (p, _c, l) => `The registry consulted does not say whether the offer holds ${list(p.required, l)}.`,
  },
  'certification.no-offer': {
    fr: (p, _c, l) => `Aucune offre labellisée ici ne peut attester ${list(p.required, l)}.`,
    en: (p, _c, l) => `No labelled offer here can attest ${list(p.required, l)}.`,
  },
  'sovereignty.met': {
    fr: (p, _c, l) => `Niveaux SEAL prouvés : ${sealBounds(p.met, l)} ; exigé : ${gateText(p.gate)}.`,
    en: (p, _c, l) => `Proven SEAL levels: ${sealBounds(p.met, l)}; required: ${gateText(p.gate)}.`,
  },
  'sovereignty.below': {
    fr: (p, _c, l) =>
      `Niveau SEAL inférieur au minimum exigé (${gateText(p.gate)}) : ${sealBounds(p.below, l)}` +
      (Array.isArray(p.unproven) && p.unproven.length > 0
        ? ` ; non prouvé : ${sealBounds(p.unproven, l)}.`
        : '.'),
    en: (p, _c, l) =>
      `SEAL level below the required minimum (${gateText(p.gate)}): ${sealBounds(p.below, l)}` +
      (Array.isArray(p.unproven) && p.unproven.length > 0
        ? `; not proven: ${sealBounds(p.unproven, l)}.`
        : '.'),
  },
  'sovereignty.unproven': {
    fr: (p, _c, l) =>
      `Niveau SEAL exigé (${gateText(p.gate)}) non prouvé par la déclaration : ${sealBounds(p.unproven, l)}.`,
    en: (p, _c, l) =>
      `Required SEAL level (${gateText(p.gate)}) not proven by the declaration: ${sealBounds(p.unproven, l)}.`,
  },
  'sovereignty.unknown': {
    fr: (p) =>
      `Le registre consulté ne donne pas les niveaux SEAL de l'offre ; le minimum exigé (${gateText(p.gate)}) n'est pas prouvé.`,
    en: (p) =>
      `The registry consulted does not give the offer's SEAL levels; the required minimum (${gateText(p.gate)}) is not proven.`,
  },
  'sovereignty.no-offer': {
    fr: (p) => `Aucune offre labellisée ici ne peut prouver les niveaux SEAL exigés (${gateText(p.gate)}).`,
    en: (p) => `No labelled offer here can prove the required SEAL levels (${gateText(p.gate)}).`,
  },
};

const STATE_FR: Record<string, string> = {
  suspended: 'suspendu',
  revoked: 'révoqué',
  expired: 'expiré',
};

export function explainCheck(check: Check, cls: DataClass, lang: Lang): string {
  const template = MESSAGES[check.code]?.[lang];
  return template ? template(check.params, cls, lang) : `${check.code} ${JSON.stringify(check.params)}`;
}

/** Every code the engine can produce has words in both languages (checked by the tests). */
export const EXPLAINED_CODES: readonly string[] = Object.keys(MESSAGES);
