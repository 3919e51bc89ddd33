/** The referential as data: what its YAML holds once validated. */
export type Lang = 'fr' | 'en';
export type I18n = Record<Lang, string>;

export interface LevelDefinition {
  id: string;
  title: I18n;
  description?: I18n;
  validityMonths: number;
  gaiaxLabelLevel?: number;
}

export interface ParameterDefinition {
  value: unknown;
  description: I18n;
  source?: string;
}

export interface CriterionSource {
  kind: 'secnumcloud' | 'gaia-x' | 'hds' | 'circular' | 'law' | 'eucs' | 'eu-csf' | 'practice';
  ref: string;
  url?: string;
}

export type CriterionStatus = 'pass' | 'fail' | 'manual-review' | 'not-applicable' | 'missing-data';

export interface CriterionDefinition {
  id: string;
  title: I18n;
  rationale: I18n;
  category: string;
  sources: CriterionSource[];
  levels: string[];
  dataClasses?: string[];
  /** A scored criterion (assessment referentials such as eu-csf): its answers, worst first. */
  rungs?: RungDefinition[];
  /** Criteria of other referentials that inform this one (data, shown with the assessment). */
  crosswalk?: CrosswalkEntry[];
  rule: {
    requires?: string[];
    appliesWhen?: string;
    pass: string;
    review?: string;
    cite?: Record<string, string>;
  };
  explain: Partial<Record<Exclude<CriterionStatus, 'missing-data'>, I18n>> & { pass: I18n; fail: I18n };
}

/** A class of data and what placing it requires of an offer and a region (read by src/placement/). */
export interface DataClassDefinition {
  id: string;
  title: I18n;
  description?: I18n;
  /** Another class whose requirements this one adds to; the result is never weaker than either. */
  extends?: string;
  /** Lowest label level the offer must hold; absent: no label needed. */
  minimumLevel?: string;
  /** ISO 3166-1 alpha-2 codes or `params.<name>` lists of them; absent: anywhere. */
  territories?: string[];
  /** Certification schemes the offer must hold (certified or qualified). */
  certifications?: string[];
  sources?: CriterionSource[];
}

export interface ReferentialDocument {
  id: string;
  version: string;
  publishedOn?: string;
  title: I18n;
  description?: I18n;
  levels: LevelDefinition[];
  parameters: Record<string, ParameterDefinition>;
  definitions?: Record<string, string>;
  categories: Array<{ id: string; title: I18n }>;
  criteria: CriterionDefinition[];
  dataClasses?: DataClassDefinition[];
  /** `label` (default): levels are awarded; `assessment`: criteria are scored (rungs), never labelled. */
  kind?: 'label' | 'assessment';
  /** Weighted objectives of an assessment referential; each groups the criteria of one category. */
  objectives?: ObjectiveDefinition[];
}

/** One answer of a scored criterion: its points and the highest SEAL level it is compatible with. */
export interface RungDefinition {
  points: number;
  seal: number;
  label: I18n;
  /** CEL: true when the offer's answer is at least this rung, false when it is below. */
  when?: string;
  /** CEL, one-sided: true proves the answer is at least this rung; false proves nothing. */
  holdsWhen?: string;
  /** CEL, one-sided: true proves the answer is below this rung; false proves nothing. */
  ruledOutWhen?: string;
  /** Declaration paths `when` reads; any absent makes this rung undecided (never a guess). */
  requires?: string[];
  /** Why the rung holds, quoting `rule.cite` values as {name}. */
  because?: I18n;
}

export interface CrosswalkEntry {
  referential: string;
  criteria: string[];
  relation: 'informs' | 'covers' | 'partially-covers';
  note?: I18n;
}

export interface ObjectiveDefinition {
  id: string;
  /** The category holding this objective's criteria. */
  category: string;
  title: I18n;
  description?: I18n;
  /** Weight in the weighted score, in percent. */
  weight: number;
  source?: string;
}
