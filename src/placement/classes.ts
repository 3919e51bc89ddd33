/**
 * Data classes as data: the referential defines them (`dataClasses`), organisations may add their own on
 * top. A class names the lowest label level, the territories and the certifications a placement needs;
 * `extends` merges another class in, taking the stricter of each requirement, so an organisation's class
 * built on `sensitive` can narrow it but never loosen it.
 */
import canonicalize from 'canonicalize';
import { sha256Hex } from '../credentials/encoding.js';
import type { DataClassDefinition, I18n, ReferentialDocument } from '../referential/types.js';
import type { DataClass, DataClassOrigin } from './types.js';

export class DataClassError extends Error {
  constructor(
    message: string,
    readonly details: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'DataClassError';
  }
}

export const DATA_CLASS_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const COUNTRY = /^[A-Z]{2}$/;

/** What an organisation sends to define a class; titles may be one string for both languages. */
export interface OrganisationClassInput {
  title: string | Partial<I18n>;
  description?: string | Partial<I18n>;
  extends?: string;
  minimumLevel?: string;
  territories?: string[];
  certifications?: string[];
}

/** Every class of a referential, resolved. Throws DataClassError on a definition the loader let through. */
export function referentialDataClasses(doc: ReferentialDocument): DataClass[] {
  const defs = doc.dataClasses ?? [];
  const byId = new Map(defs.map((d) => [d.id, d]));
  const origin: DataClassOrigin = {
    kind: 'referential',
    referential: { id: doc.id, version: doc.version },
  };
  const resolved = new Map<string, DataClass>();
  const resolve = (def: DataClassDefinition, trail: string[]): DataClass => {
    const done = resolved.get(def.id);
    if (done) return done;
    if (trail.includes(def.id)) throw new DataClassError(`data class ${def.id} extends itself`, []);
    let parent: DataClass | undefined;
    if (def.extends !== undefined) {
      const p = byId.get(def.extends);
      if (!p) throw new DataClassError(`data class ${def.id} extends unknown class ${def.extends}`, []);
      parent = resolve(p, [...trail, def.id]);
    }
    const own = requirementsOf(
      def,
      doc,
      doc.levels.map((l) => l.id),
      `$.dataClasses[${defs.indexOf(def)}]`,
    );
    const cls = build(def.id, def.title, def.description, origin, def.extends, merge(parent, own, doc), def);
    resolved.set(def.id, cls);
    return cls;
  };
  return defs.map((d) => resolve(d, []));
}

/**
 * An organisation's class, checked against the referential it builds on: levels must exist, territories
 * are country codes or the referential's country-list parameters, `extends` names a referential class.
 */
export function organisationDataClass(
  id: string,
  input: OrganisationClassInput,
  organisationId: string,
  doc: ReferentialDocument,
  base: readonly DataClass[],
): DataClass {
  const details: Array<{ path: string; message: string }> = [];
  if (!DATA_CLASS_ID.test(id))
    details.push({ path: 'id', message: 'lower-case letters, digits and hyphens, 1 to 63 characters' });
  if (base.some((c) => c.id === id))
    details.push({ path: 'id', message: `"${id}" is a class of the referential; choose another id` });
  const title = i18n(input.title, 200);
  if (!title) details.push({ path: '$.title', message: 'a non-empty text, or { fr, en }' });
  const description = input.description === undefined ? undefined : i18n(input.description, 2000);
  if (input.description !== undefined && !description)
    details.push({ path: '$.description', message: 'a non-empty text, or { fr, en }' });
  let parent: DataClass | undefined;
  if (input.extends !== undefined) {
    parent = base.find((c) => c.id === input.extends);
    if (!parent)
      details.push({
        path: '$.extends',
        message: `not a class of the referential (one of: ${base.map((c) => c.id).join(', ')})`,
      });
  }
  let own: Requirements | undefined;
  try {
    own = requirementsOf(
      input,
      doc,
      doc.levels.map((l) => l.id),
      '$',
    );
  } catch (err) {
    if (!(err instanceof DataClassError)) throw err;
    details.push(...err.details);
  }
  if (details.length > 0 || !title || !own) throw new DataClassError('invalid data class', details);
  return build(
    id,
    title,
    description,
    { kind: 'organisation', organisationId },
    input.extends,
    merge(parent, own, doc),
    {},
  );
}

interface Requirements {
  minimumLevel: string | null;
  territories: string[] | null;
  territoryTokens: string[] | null;
  certifications: string[];
}

function requirementsOf(
  def: Pick<DataClassDefinition, 'minimumLevel' | 'territories' | 'certifications'>,
  doc: ReferentialDocument,
  levels: string[],
  at: string,
): Requirements {
  const details: Array<{ path: string; message: string }> = [];
  if (def.minimumLevel !== undefined && !levels.includes(def.minimumLevel))
    details.push({ path: `${at}.minimumLevel`, message: `one of: ${levels.join(', ')}` });
  let territories: string[] | null = null;
  if (def.territories !== undefined) {
    const countries = new Set<string>();
    def.territories.forEach((token, i) => {
      const expanded = expandTerritory(token, doc);
      if (!expanded)
        details.push({
          path: `${at}.territories[${i}]`,
          message: 'an ISO 3166-1 alpha-2 code (FR) or a country-list parameter (params.eeaCountries)',
        });
      else for (const c of expanded) countries.add(c);
    });
    territories = [...countries].sort();
  }
  const certifications = [...new Set(def.certifications ?? [])].sort();
  certifications.forEach((c, i) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(c))
      details.push({
        path: `${at}.certifications[${i}]`,
        message: 'a certification scheme name (HDS, ISO27001…)',
      });
  });
  if (details.length > 0) throw new DataClassError('invalid data class', details);
  return {
    minimumLevel: def.minimumLevel ?? null,
    territories,
    territoryTokens: def.territories ? [...def.territories] : null,
    certifications,
  };
}

function expandTerritory(token: string, doc: ReferentialDocument): string[] | undefined {
  if (COUNTRY.test(token)) return [token];
  if (!token.startsWith('params.')) return undefined;
  const value = doc.parameters[token.slice('params.'.length)]?.value;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && COUNTRY.test(v)))
    return undefined;
  return value as string[];
}

/** The stricter of each requirement: higher level, intersected territories, united certifications. */
function merge(parent: DataClass | undefined, own: Requirements, doc: ReferentialDocument): Requirements {
  if (!parent) return own;
  const levels = doc.levels.map((l) => l.id);
  const rank = (l: string | null) => (l === null ? -1 : levels.indexOf(l));
  const minimumLevel =
    rank(own.minimumLevel) >= rank(parent.minimumLevel) ? own.minimumLevel : parent.minimumLevel;
  let territories: string[] | null;
  let territoryTokens: string[] | null;
  if (own.territories === null) {
    territories = parent.territories;
    territoryTokens = parent.territoryTokens;
  } else if (parent.territories === null) {
    territories = own.territories;
    territoryTokens = own.territoryTokens;
  } else {
    const allowed = new Set(parent.territories);
    territories = own.territories.filter((c) => allowed.has(c));
    territoryTokens = territories.length === own.territories.length ? own.territoryTokens : [...territories];
  }
  return {
    minimumLevel,
    territories,
    territoryTokens,
    certifications: [...new Set([...parent.certifications, ...own.certifications])].sort(),
  };
}

function build(
  id: string,
  title: I18n,
  description: I18n | undefined,
  origin: DataClassOrigin,
  parent: string | undefined,
  req: Requirements,
  def: { sources?: DataClassDefinition['sources'] },
): DataClass {
  const pinned = {
    id,
    origin,
    minimumLevel: req.minimumLevel,
    territories: req.territories,
    certifications: req.certifications,
  };
  return {
    id,
    title,
    ...(description ? { description } : {}),
    origin,
    ...(parent !== undefined ? { extends: parent } : {}),
    ...req,
    sources: def.sources ?? [],
    digest: sha256Hex(canonicalize(pinned)!),
  };
}

function i18n(value: string | Partial<I18n> | undefined, max: number): I18n | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    return text && text.length <= max ? { fr: text, en: text } : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const fr = typeof value.fr === 'string' ? value.fr.trim() : '';
  const en = typeof value.en === 'string' ? value.en.trim() : '';
  if (!fr && !en) return undefined;
  if (fr.length > max || en.length > max) return undefined;
  return { fr: fr || en, en: en || fr };
}
