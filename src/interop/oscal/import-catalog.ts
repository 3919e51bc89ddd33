/**
 * An OSCAL 1.1 catalog as a draft referential: groups become categories (nested groups flattened), controls
 * and their enhancements become criteria, catalog parameters become referential parameters. OSCAL states
 * requirements in prose, never as rules a declaration can be checked against, so every criterion's rule is
 * a manual review (`pass: 'true'`, `review: 'true'`): the draft compiles, evaluations send each criterion
 * to the assessor, and an author replaces rules with CEL where the declaration carries the facts.
 *
 * A catalog we exported ourselves (props in our namespace) gives its levels, each criterion's levels,
 * source kinds and required declaration fields back; its CEL is not restored, since the definitions it
 * reads are not in the export. Every approximation is listed in `notes`. Pure.
 */
import type {
  CriterionDefinition,
  CriterionSource,
  I18n,
  Lang,
  LevelDefinition,
  ParameterDefinition,
  ReferentialDocument,
} from '../../referential/types.js';
import { OSCAL_NS } from './ids.js';
import { validateOscal } from './schema.js';

export class OscalImportError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'OscalImportError';
  }
}

export interface CatalogImportOptions {
  /** Referential id (default: a slug of the catalog's title). */
  id?: string;
  /** Referential version (default: the catalog's version when it is x.y.z, else 0.1.0). */
  version?: string;
  /** Language of the catalog's text; the draft carries it in both languages until translated. */
  lang?: Lang;
}

export interface CatalogImport {
  referential: ReferentialDocument;
  /** OSCAL control id → criterion id, where they differ. */
  renamed: Record<string, string>;
  /** What was approximated, skipped or left for an author. */
  notes: string[];
}

type Json = Record<string, unknown>;
interface Prop {
  name: string;
  value: string;
  ns?: string;
  class?: string;
  remarks?: string;
}
interface Part {
  name: string;
  prose?: string;
  props?: Prop[];
  parts?: Part[];
}
interface Control {
  id: string;
  title: string;
  class?: string;
  props?: Prop[];
  links?: Array<{ href: string; rel?: string; text?: string }>;
  parts?: Part[];
  params?: Param[];
  controls?: Control[];
}
interface Group {
  id?: string;
  title: string;
  groups?: Group[];
  controls?: Control[];
}
interface Param {
  id: string;
  label?: string;
  values?: string[];
  select?: { 'how-many'?: string; choice?: string[] };
  remarks?: string;
}

const SOURCE_KINDS = new Set<CriterionSource['kind']>([
  'secnumcloud',
  'gaia-x',
  'hds',
  'circular',
  'law',
  'eucs',
  'eu-csf',
  'practice',
]);
const CRITERION_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+(\.[A-Z0-9]+)*)+$/;
const REQUIRES = /^(provider|offer|organisations|ownership)(\.[A-Za-z]+)*$/;
const IMPORTED_LEVEL = 'imported';

export function catalogToReferential(input: unknown, options: CatalogImportOptions = {}): CatalogImport {
  const issues = validateOscal('catalog', input);
  if (issues.length > 0) {
    throw new OscalImportError(`not an OSCAL 1.1 catalog (${issues.length} problem(s))`, issues);
  }
  const catalog = (input as { catalog: Json }).catalog;
  const metadata = catalog.metadata as Json;
  const notes: string[] = [];
  const renamed: Record<string, string> = {};
  const lang = options.lang ?? 'en';
  const both = (text: string): I18n => ({ fr: text, en: text });
  const ours = (props: Prop[] | undefined, name: string) =>
    (props ?? []).filter((p) => p.ns === OSCAL_NS && p.name === name);

  const title = String(metadata.title);
  const id = options.id ?? slug(title, 'imported-catalog');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    throw new OscalImportError('invalid referential id', [
      { path: '--id', message: `${JSON.stringify(id)} must be lower-case letters, digits and hyphens` },
    ]);
  }
  const declared = String(metadata.version);
  const version = options.version ?? (/^\d+\.\d+\.\d+$/.test(declared) ? declared : '0.1.0');
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new OscalImportError('invalid referential version', [
      { path: '--ref-version', message: `${JSON.stringify(version)} must be x.y.z` },
    ]);
  }
  if (!options.version && version !== declared) {
    notes.push(`the catalog's version "${declared}" is not x.y.z: the draft is ${version}`);
  }
  notes.push(`text is in one language (${lang}), copied to both fr and en: translate it before publishing`);

  // Levels: ours when the catalog is one of our exports, else one level every criterion belongs to.
  const levelProps = ours(metadata.props as Prop[] | undefined, 'level');
  const levels: LevelDefinition[] =
    levelProps.length > 0
      ? levelProps.map((p) => ({
          id: p.value,
          title: both(p.remarks?.split(' — ')[0] ?? p.value),
          validityMonths: 12,
        }))
      : [
          {
            id: IMPORTED_LEVEL,
            title: { fr: 'Niveau importé', en: 'Imported level' },
            validityMonths: 12,
          },
        ];
  notes.push(
    levelProps.length > 0
      ? 'levels come from the catalog; their validity is set to 12 months: check it'
      : `OSCAL catalogs have no levels: every criterion is in one level "${IMPORTED_LEVEL}" (12 months)`,
  );
  const levelIds = new Set(levels.map((l) => l.id));

  const parameters: Record<string, ParameterDefinition> = {};
  const addParams = (params: Param[] | undefined) => {
    for (const p of params ?? []) {
      const values = p.values ?? p.select?.choice ?? [];
      parameters[p.id] = {
        value: values.length === 1 ? values[0] : values,
        description: both(paramLabel(p)),
        ...(p.remarks ? { source: p.remarks } : {}),
      };
    }
  };
  addParams(catalog.params as Param[] | undefined);

  const backMatter = new Map<string, { title?: string; href?: string }>();
  for (const r of ((catalog['back-matter'] as Json | undefined)?.resources as Json[] | undefined) ?? []) {
    const rlinks = (r.rlinks as Array<{ href: string }> | undefined) ?? [];
    backMatter.set(String(r.uuid), {
      ...(typeof r.title === 'string' ? { title: r.title } : {}),
      ...(rlinks[0] ? { href: rlinks[0].href } : {}),
    });
  }

  const categories: ReferentialDocument['categories'] = [];
  const criteria: CriterionDefinition[] = [];
  const categoryIds = new Set<string>();
  const criterionIds = new Set<string>();
  let withdrawn = 0;

  const addCategory = (groupId: string | undefined, groupTitle: string): string => {
    let cat = slug(groupId ?? groupTitle, 'general');
    for (let n = 2; categoryIds.has(cat); n++) cat = `${slug(groupId ?? groupTitle, 'general')}-${n}`;
    categoryIds.add(cat);
    categories.push({ id: cat, title: both(groupTitle) });
    return cat;
  };

  const addControl = (control: Control, category: string) => {
    if (control.props?.some((p) => p.name === 'status' && p.value === 'withdrawn')) {
      withdrawn++;
      return;
    }
    const cid = uniqueCriterionId(control.id, criterionIds);
    if (cid !== control.id) renamed[control.id] = cid;
    addParams(control.params);
    const paramLabels = new Map((control.params ?? []).map((p) => [p.id, paramLabel(p)]));
    const statement = control.parts?.find((p) => p.name === 'statement');
    const prose = statement ? flatten(statement, paramLabels) : '';
    const sources = controlSources(control, title, backMatter, ours);
    const ownLevels = ours(control.props, 'level')
      .map((p) => p.value)
      .filter((l) => levelIds.has(l));
    const requires = ours(control.props, 'requires')
      .map((p) => p.value)
      .filter((p) => REQUIRES.test(p));
    criteria.push({
      id: cid,
      title: both(control.title),
      rationale: both(prose || control.title),
      category,
      sources,
      levels: ownLevels.length > 0 ? ownLevels : [levels[0]!.id],
      rule: { ...(requires.length > 0 ? { requires } : {}), pass: 'true', review: 'true' },
      explain: {
        pass: { fr: "Vérifié par l'évaluateur.", en: 'Checked by the assessor.' },
        fail: { fr: "Non satisfait selon l'évaluateur.", en: 'Not met, according to the assessor.' },
        'manual-review': {
          fr: `À vérifier par l'évaluateur : ${control.title}.`,
          en: `To be checked by the assessor: ${control.title}.`,
        },
      },
    });
    for (const enhancement of control.controls ?? []) addControl(enhancement, category);
  };

  const walk = (groups: Group[] | undefined, prefix: string) => {
    for (const g of groups ?? []) {
      const groupTitle = prefix ? `${prefix} — ${g.title}` : g.title;
      if ((g.controls ?? []).length > 0) {
        const cat = addCategory(g.id, groupTitle);
        for (const c of g.controls!) addControl(c, cat);
      }
      walk(g.groups, groupTitle);
    }
  };
  const loose = (catalog.controls as Control[] | undefined) ?? [];
  if (loose.length > 0) {
    const cat = addCategory('general', 'General');
    for (const c of loose) addControl(c, cat);
  }
  walk(catalog.groups as Group[] | undefined, '');

  if (criteria.length === 0) {
    throw new OscalImportError('the catalog has no control to import', [
      { path: '$.catalog', message: 'no control in groups or at the top level (withdrawn ones are skipped)' },
    ]);
  }
  if (withdrawn > 0) notes.push(`${withdrawn} withdrawn control(s) skipped`);
  const reshaped = Object.entries(renamed).filter(([from, to]) => from.toUpperCase() !== to);
  if (reshaped.length > 0) {
    notes.push(
      `${reshaped.length} control id(s) reshaped to match criterion ids (${reshaped.map((r) => r.join(' → ')).join(', ')})`,
    );
  }
  notes.push(
    'every rule is a manual review (pass: true, review: true): write CEL where the declaration carries the facts',
  );

  const published = String(metadata.published ?? metadata['last-modified']).slice(0, 10);
  const referential: ReferentialDocument = {
    id,
    version,
    ...(/^\d{4}-\d{2}-\d{2}$/.test(published) ? { publishedOn: published } : {}),
    title: both(title),
    description: both(
      `Draft imported from the OSCAL catalog “${title}” (version ${declared}, OSCAL ${String(metadata['oscal-version'])}).`,
    ),
    levels,
    parameters,
    categories,
    criteria,
  };
  return { referential, renamed, notes };
}

function controlSources(
  control: Control,
  catalogTitle: string,
  backMatter: Map<string, { title?: string; href?: string }>,
  ours: (props: Prop[] | undefined, name: string) => Prop[],
): CriterionSource[] {
  const sources: CriterionSource[] = [];
  for (const p of ours(control.props, 'source')) {
    const kind = SOURCE_KINDS.has(p.class as CriterionSource['kind'])
      ? (p.class as CriterionSource['kind'])
      : 'practice';
    sources.push({ kind, ref: p.value });
  }
  for (const link of control.links ?? []) {
    if (link.rel !== 'reference') continue;
    const resource = link.href.startsWith('#') ? backMatter.get(link.href.slice(1)) : undefined;
    const url = resource?.href ?? (/^https?:\/\//.test(link.href) ? link.href : undefined);
    const ref = link.text ?? resource?.title ?? url;
    // A source already named from our props gets its URL; a reference we cannot name is left out.
    const same = sources.find((s) => s.ref === ref && !s.url);
    if (same && url) same.url = url;
    else if (ref && !same) sources.push({ kind: 'practice', ref, ...(url ? { url } : {}) });
  }
  // The catalog itself is the first source, unless it is one of our exports (whose props name the real ones).
  const label = control.props?.find((p) => p.name === 'label' && !p.ns)?.value ?? control.id;
  if (ours(control.props, 'source').length === 0)
    sources.unshift({ kind: 'practice', ref: `${catalogTitle}, ${label}` });
  return sources;
}

/** What a parameter stands for: its label, or the choices a selection offers. */
function paramLabel(p: Param): string {
  if (p.label) return p.label;
  const choices = p.select?.choice ?? [];
  if (choices.length === 0) return p.id;
  return `${p.select?.['how-many'] === 'one-or-more' ? 'one or more of' : 'one of'}: ${choices.join(' | ')}`;
}

/** Statement prose, items labelled, parameter insertions replaced by their label in brackets. */
function flatten(part: Part, params: Map<string, string>): string {
  const label = part.props?.find((p) => p.name === 'label')?.value;
  const own = part.prose
    ? `${label ? `${label} ` : ''}${part.prose.replace(
        /\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}/g,
        (_m, pid: string) => `[${params.get(pid) ?? pid}]`,
      )}`.trim()
    : '';
  const children = (part.parts ?? [])
    .filter((p) => p.name === 'item' || p.name === 'statement')
    .map((p) => flatten(p, params));
  return [own, ...children].filter(Boolean).join(' ');
}

/** A criterion id from an OSCAL control id: `ac-2.1` → `AC-2.1`; others are reshaped and made unique. */
function uniqueCriterionId(controlId: string, taken: Set<string>): string {
  let base = controlId.toUpperCase();
  if (!CRITERION_ID.test(base)) {
    base = base.replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    if (!CRITERION_ID.test(base)) base = `OSCAL-${base || 'CONTROL'}`;
  }
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || fallback;
}
