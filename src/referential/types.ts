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
  rule: {
    requires?: string[];
    appliesWhen?: string;
    pass: string;
    review?: string;
    cite?: Record<string, string>;
  };
  explain: Partial<Record<Exclude<CriterionStatus, 'missing-data'>, I18n>> & { pass: I18n; fail: I18n };
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
}
