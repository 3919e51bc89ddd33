/**
 * A referential as an OSCAL 1.1 catalog: categories are groups, criteria are controls, referential
 * parameters are catalog parameters; levels, sources, data classes, scored rungs, weights and crosswalks
 * are props and parts in our namespace, and each criterion's rule (CEL) is a part an auditor can read.
 * Pure and deterministic: no clock (dates come from the referential), UUIDs derived from our ids.
 */
import type { CriterionDefinition, Lang, ReferentialDocument } from '../../referential/types.js';
import { OSCAL_NS, OSCAL_VERSION, oscalDateTime, oscalString, stableUuid } from './ids.js';

export interface OscalProp {
  name: string;
  value: string;
  ns?: string;
  class?: string;
  remarks?: string;
}

export interface OscalLink {
  href: string;
  rel?: string;
  text?: string;
}

export interface OscalPart {
  id?: string;
  name: string;
  ns?: string;
  class?: string;
  title?: string;
  props?: OscalProp[];
  prose?: string;
  parts?: OscalPart[];
}

export interface OscalControl {
  id: string;
  class?: string;
  title: string;
  props?: OscalProp[];
  links?: OscalLink[];
  parts?: OscalPart[];
}

export interface OscalParameter {
  id: string;
  label?: string;
  props?: OscalProp[];
  values?: string[];
  remarks?: string;
}

export interface OscalCatalog {
  catalog: {
    uuid: string;
    metadata: Record<string, unknown>;
    params?: OscalParameter[];
    groups?: Array<{
      id: string;
      class: string;
      title: string;
      props?: OscalProp[];
      controls?: OscalControl[];
    }>;
  };
}

export interface CatalogOptions {
  lang: Lang;
  /** Publication date when the referential has none (YYYY-MM-DD). */
  date?: string;
}

const prop = (name: string, value: string, extra: Partial<OscalProp> = {}): OscalProp => ({
  name,
  ns: OSCAL_NS,
  value: oscalString(value),
  ...extra,
});

export function referentialToCatalog(doc: ReferentialDocument, options: CatalogOptions): OscalCatalog {
  const lang = options.lang;
  const date = oscalDateTime(doc.publishedOn ?? options.date ?? '1970-01-01');
  const metadataProps: OscalProp[] = [
    prop('referential-id', doc.id),
    prop('referential-kind', doc.kind ?? 'label'),
    prop('language', lang),
    ...doc.levels.map((l, i) =>
      prop('level', l.id, {
        class: `rank-${i + 1}`,
        remarks: l.title[lang] + (l.description ? ` — ${l.description[lang]}` : ''),
      }),
    ),
    ...doc.levels.flatMap((l) =>
      l.gaiaxLabelLevel === undefined ? [] : [prop('gaiax-label-level', `${l.id}=${l.gaiaxLabelLevel}`)],
    ),
    ...(doc.objectives ?? []).map((o) =>
      prop('objective', o.id, { class: o.category, remarks: `${o.title[lang]} — weight ${o.weight} %` }),
    ),
    ...(doc.dataClasses ?? []).map((d) => prop('data-class', d.id, { remarks: d.title[lang] })),
  ];
  const metadata: Record<string, unknown> = {
    title: doc.title[lang],
    published: date,
    'last-modified': date,
    version: doc.version,
    'oscal-version': OSCAL_VERSION,
    props: metadataProps,
    ...(doc.description ? { remarks: doc.description[lang] } : {}),
  };
  const params = Object.entries(doc.parameters).map(
    ([id, p]): OscalParameter => ({
      id,
      label: oscalString(p.description[lang]),
      values: parameterValues(p.value),
      ...(p.source ? { remarks: p.source } : {}),
    }),
  );
  const objectiveOf = new Map((doc.objectives ?? []).map((o) => [o.category, o]));
  const groups = doc.categories
    .map((cat) => {
      const objective = objectiveOf.get(cat.id);
      const controls = doc.criteria
        .filter((c) => c.category === cat.id)
        .map((c) => criterionToControl(c, lang));
      return {
        id: cat.id,
        class: objective ? 'objective' : 'category',
        title: cat.title[lang],
        ...(objective
          ? {
              props: [
                prop('objective', objective.id),
                prop('weight', String(objective.weight), { remarks: 'percent of the sovereignty score' }),
              ],
            }
          : {}),
        ...(controls.length > 0 ? { controls } : {}),
      };
    })
    .filter((g) => g.controls !== undefined);
  return {
    catalog: {
      uuid: stableUuid('catalog', doc.id, doc.version),
      metadata,
      ...(params.length > 0 ? { params } : {}),
      ...(groups.length > 0 ? { groups } : {}),
    },
  };
}

function parameterValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.length > 0 ? value.map((v) => oscalString(scalar(v))) : ['-'];
  return [oscalString(scalar(value))];
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function criterionToControl(c: CriterionDefinition, lang: Lang): OscalControl {
  const props: OscalProp[] = [
    { name: 'label', value: c.id },
    ...c.levels.map((l) => prop('level', l)),
    ...(c.dataClasses ?? []).map((d) => prop('data-class', d)),
    ...c.sources.map((s) => prop('source', s.ref, { class: s.kind })),
    ...(c.rule.requires ?? []).map((p) => prop('requires', p)),
  ];
  if (c.rungs) {
    props.push(prop('max-points', String(Math.max(...c.rungs.map((r) => r.points)))));
    for (const x of c.crosswalk ?? []) {
      for (const id of x.criteria) {
        props.push(
          prop('crosswalk', `${x.referential}#${id}`, {
            class: x.relation,
            ...(x.note ? { remarks: x.note[lang] } : {}),
          }),
        );
      }
    }
  }
  const links = c.sources
    .filter((s) => s.url)
    .map((s): OscalLink => ({ href: s.url!, rel: 'reference', text: s.ref }));
  const parts: OscalPart[] = [
    { id: `${c.id}_smt`, name: 'statement', prose: c.rationale[lang] },
    ruleToPart(c, lang),
  ];
  if (c.rungs) {
    parts.push({
      id: `${c.id}_rungs`,
      name: 'rungs',
      ns: OSCAL_NS,
      title:
        lang === 'fr' ? 'Paliers de réponse (du plus faible au plus fort)' : 'Answer rungs (worst first)',
      parts: c.rungs.map((r, i) => ({
        id: `${c.id}_rung-${i}`,
        name: 'rung',
        ns: OSCAL_NS,
        title: r.label[lang],
        props: [prop('points', String(r.points)), prop('seal', String(r.seal))],
        ...(r.when || r.holdsWhen || r.ruledOutWhen
          ? {
              prose: [
                r.when && `when: ${r.when}`,
                r.holdsWhen && `holds when: ${r.holdsWhen}`,
                r.ruledOutWhen && `ruled out when: ${r.ruledOutWhen}`,
              ]
                .filter(Boolean)
                .join('\n\n'),
            }
          : {}),
      })),
    });
  }
  return {
    id: c.id,
    class: c.rungs ? 'scored-criterion' : 'criterion',
    title: c.title[lang],
    props,
    ...(links.length > 0 ? { links } : {}),
    parts,
  };
}

/** The rule as an assessment objective: what passing means, and the CEL that decides it. */
function ruleToPart(c: CriterionDefinition, lang: Lang): OscalPart {
  const lines = [
    c.explain.pass[lang],
    '',
    `\`pass\`: \`${oscalString(c.rule.pass)}\``,
    ...(c.rule.appliesWhen ? [`\`appliesWhen\`: \`${oscalString(c.rule.appliesWhen)}\``] : []),
    ...(c.rule.review ? [`\`review\`: \`${oscalString(c.rule.review)}\``] : []),
  ];
  return {
    id: `${c.id}_obj`,
    name: 'assessment-objective',
    props: [prop('rule-language', 'CEL')],
    prose: lines.join('\n'),
  };
}
