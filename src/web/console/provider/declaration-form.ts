/**
 * The declaration form: the generic schema form (../schema-form.ts) over the declaration JSON Schema,
 * with the labels of ./declaration-labels.ts and the validator's messages in the page's language.
 */
import { declarationSchema } from '../../../declaration/validate.js';
import { hasMessage, type Translate } from '../../i18n/index.js';
import { compileForm } from '../schema-form.js';
import { translateIssue } from '../schema-form-errors.js';
import { buildForm, type FormTexts, type GroupNode, placeErrors } from '../schema-form-tree.js';

export const DECLARATION_FORM = compileForm(declarationSchema, {
  // The `$schema` pointer is for editors of JSON files, not a fact about the offer.
  omit: ['$schema'],
  // Only illustrative profiles (built from public information) have one: not what a provider fills first.
  last: ['illustrative'],
  widgets: {
    'illustrative.note': 'textarea',
    'illustrative.sources': 'lines',
    'offer.description': 'textarea',
    'provider.foreignGovernmentLinks.details': 'textarea',
  },
});

const PREFIX = 'console.decl.';

export function declarationTexts(t: Translate): FormTexts {
  const known = (key: string) => hasMessage(PREFIX + key);
  return {
    label: (key, fallback) => (known(key) ? t(PREFIX + key) : fallback),
    // An empty hint in the table means "no hint" (the label says it all), not "use the schema's".
    hint: (key, fallback) => (known(`${key}.hint`) ? t(`${PREFIX + key}.hint`) || undefined : fallback),
    option: (key, value) => (known(`${key}.option.${value}`) ? t(`${PREFIX + key}.option.${value}`) : value),
    item: (key, label, n) =>
      known(`${key}.item`) ? t(`${PREFIX + key}.item`, { n }) : t('console.form.item', { label, n }),
    add: (key, label) => (known(`${key}.add`) ? t(`${PREFIX + key}.add`) : t('console.form.add', { label })),
    remove: (legend) => t('console.form.remove', { item: legend }),
    yes: t('common.yes'),
    no: t('common.no'),
    unknown: t('common.unknown'),
    choose: t('console.form.choose'),
    required: t('console.form.requiredSuffix'),
    listHint: t('console.form.listHint'),
    linesHint: t('console.form.linesHint'),
  };
}

export interface DeclarationForm {
  tree: GroupNode;
  /** Top-level sections, for the form's table of contents. */
  sections: Array<{ anchor: string; label: string }>;
  /** The error summary: a message, and the field it links to when it has one. */
  summary: Array<{ anchor: string | undefined; message: string }>;
}

/** The form for a document, with the validator's issues placed next to the fields their paths name. */
export function declarationForm(
  t: Translate,
  doc: Record<string, unknown>,
  action: string,
  issues: Array<{ path: string; message: string }> = [],
): DeclarationForm {
  const texts = declarationTexts(t);
  const placed =
    issues.length > 0
      ? placeErrors(DECLARATION_FORM, doc, issues, texts, translateIssue(t), action)
      : { byField: new Map<string, string[]>(), summary: [] };
  const tree = buildForm(DECLARATION_FORM, doc, texts, { action, errors: placed.byField });
  return {
    tree,
    sections: tree.children.map((n) => ({ anchor: n.id, label: n.label })),
    summary: placed.summary,
  };
}
