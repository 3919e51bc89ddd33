/**
 * The validator's messages (English, from src/util/schema.ts and src/declaration/validate.ts) said again in
 * the page's language, next to the field their path names. A message no rule knows is shown as is, inside
 * a sentence of the page's language, rather than lost.
 */
import type { Translate } from '../i18n/index.js';
import type { IssueTranslator } from './schema-form-tree.js';

type Rule = [RegExp, string, (m: RegExpExecArray) => Record<string, string>];
const none = () => ({});

const RULES: Rule[] = [
  // Ajv, as src/util/schema.ts words it
  [/^is required$/, 'console.error.required', none],
  [/^must NOT have fewer than 1 characters$/, 'console.error.required', none],
  [/^must NOT have fewer than (\d+) characters$/, 'console.error.minLength', (m) => ({ limit: m[1]! })],
  [/^must NOT have more than (\d+) characters$/, 'console.error.maxLength', (m) => ({ limit: m[1]! })],
  [/^must NOT have fewer than (\d+) items?$/, 'console.error.minItems', (m) => ({ limit: m[1]! })],
  [/^must NOT have duplicate items/, 'console.error.duplicates', none],
  [/^must be one of: /, 'console.error.enum', none],
  [/^must be an ISO 3166-1 alpha-2 country code/, 'console.error.country', none],
  [/^must be a date written YYYY-MM-DD$/, 'console.error.date', none],
  [/^must match \^\[A-Za-z0-9\]/, 'console.error.id', none],
  [/^must match /, 'console.error.pattern', none],
  [/^must be of type (?:number)$/, 'console.error.number', none],
  [/^must be of type integer$/, 'console.error.integer', none],
  [/^must be of type boolean$/, 'console.error.boolean', none],
  [/^must be ≥ (.+)$/, 'console.error.minimum', (m) => ({ limit: m[1]! })],
  [/^must be ≤ (.+)$/, 'console.error.maximum', (m) => ({ limit: m[1]! })],
  [/^unknown property/, 'console.error.unknownProperty', none],
  // The declaration's own checks (src/declaration/validate.ts)
  [/^unknown country code "(.*)"$/, 'console.error.unknownCountry', (m) => ({ code: m[1]! })],
  [/^duplicate id "(.*)" \(already used/, 'console.error.duplicateId', (m) => ({ id: m[1]! })],
  [
    /^"(.*)" is neither the provider nor an organisation/,
    'console.error.unknownEntity',
    (m) => ({ id: m[1]! }),
  ],
  [/^an entity cannot hold itself$/, 'console.error.holdsItself', none],
  [
    /^"(.*)" → "(.*)" is declared twice/,
    'console.error.holdingTwice',
    (m) => ({ holder: m[1]!, held: m[2]! }),
  ],
  [
    /^holdings of "(.*)" add up to (.+) % of its capital/,
    'console.error.capitalOver',
    (m) => ({ id: m[1]!, total: m[2]! }),
  ],
  [
    /^holdings of "(.*)" add up to (.+) % of its votes/,
    'console.error.votesOver',
    (m) => ({ id: m[1]!, total: m[2]! }),
  ],
  [/^duplicate region code "(.*)"$/, 'console.error.duplicateRegion', (m) => ({ code: m[1]! })],
  [/^"(.*)" is not one of the offer's regions$/, 'console.error.notARegion', (m) => ({ code: m[1]! })],
  [/^an offer cannot run on itself$/, 'console.error.runsOnItself', none],
  // saveDeclaration's conflict on an offer id of another organisation
  [/^choose another id$/, 'console.error.offerIdTaken', none],
  // The console's own refusals
  [/^stale version$/, 'console.error.stale', none],
  [/^no such list$/, 'console.error.noSuchList', none],
];

export function translateIssue(t: Translate): IssueTranslator {
  return (issue, where) => {
    // A whole section left empty: "this field" would not say which fields it needs.
    if (where.group && issue.message === 'is required') return t('console.error.requiredGroup');
    for (const [pattern, key, params] of RULES) {
      const m = pattern.exec(issue.message);
      if (m) return t(key, params(m));
    }
    return t('console.error.other', { message: issue.message });
  };
}
