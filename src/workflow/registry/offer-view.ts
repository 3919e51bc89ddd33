/**
 * The public page of one labelled offer: the label, where it runs, who owns the provider, and every
 * criterion of the referential with its status and explanation in French and English.
 *
 * Criteria are re-evaluated from the declaration the label was granted on, with the referential version,
 * date and data class of that application, and the assessor's verdicts laid over the automated statuses:
 * exactly the results the credential's `criteriaDigest` commits to, which the view checks and reports.
 * The stored evaluation cannot be reused as is because it was rendered in one language only.
 */
import { criteriaDigest } from '../../credentials/label-credential.js';
import type { Declaration } from '../../declaration/types.js';
import { type EvaluationResult, evaluate } from '../../evaluation/evaluate.js';
import { deriveFacts } from '../../evaluation/facts.js';
import { formatNumber } from '../../evaluation/format.js';
import type { Lang } from '../../referential/types.js';
import { labelReview, latestDeclarationBody } from '../../store/registry-repository.js';
import type { LabelTable, RegistryOfferTable } from '../../store/schema.js';
import type { Context } from '../context.js';
import { cacheOf, memo } from './cache.js';

const LANGS: readonly Lang[] = ['fr', 'en'];

export interface CriterionView {
  id: string;
  category: string;
  levels: string[];
  status: string;
  automatedStatus: string;
  /** The status was decided by the assessor, not by the rule alone. */
  reviewed: boolean;
  title: Record<Lang, string>;
  explanation: Record<Lang, string>;
}

export interface CriteriaView {
  referential: { id: string; version: string };
  date: string;
  dataClass: string | null;
  declarationVersion: number | null;
  criteriaDigest: string;
  /** The recomputed results hash to the digest the signed credential carries. */
  matchesCredential: boolean;
  criteria: CriterionView[];
}

/** Immutable once the label exists (fixed declaration, referential version and verdicts): cached by label. */
export function labelCriteria(
  ctx: Context,
  label: LabelTable,
  latest: { declaration: Declaration; version: number },
): Promise<CriteriaView> {
  // A label without an application (none today) falls back on the latest declaration, which may change.
  const key = label.application_id ? label.id : `${label.id}@${latest.version}`;
  return memo(cacheOf<Promise<CriteriaView>>(ctx, 'registry.criteria', 256), key, () =>
    computeCriteria(ctx, label, latest.declaration),
  );
}

async function computeCriteria(ctx: Context, label: LabelTable, latest: Declaration): Promise<CriteriaView> {
  const referential = ctx.referentials.get(label.referential_id, label.referential_version);
  const review = label.application_id ? await labelReview(ctx.store.db, label.application_id) : undefined;
  const stored = review ? (JSON.parse(review.app.evaluation) as EvaluationResult) : undefined;
  const declaration = review?.declaration ? (JSON.parse(review.declaration.body) as Declaration) : latest;
  const date = stored?.context.date ?? label.valid_from.slice(0, 10);
  const dataClass = stored?.context.dataClass ?? review?.app.data_class ?? undefined;
  const [fr, en] = LANGS.map((lang) =>
    evaluate(referential, declaration, { date, lang, ...(dataClass ? { dataClass } : {}) }),
  ) as [EvaluationResult, EvaluationResult];
  const verdicts = new Map((review?.verdicts ?? []).map((v) => [v.criterion_id, v.status]));
  const criteria = fr.criteria.map((c, i): CriterionView => {
    const other = en.criteria[i]!;
    const verdict = verdicts.get(c.id);
    return {
      id: c.id,
      category: c.category,
      levels: c.levels,
      status: verdict ?? c.status,
      automatedStatus: c.status,
      reviewed: verdict !== undefined,
      title: { fr: c.title, en: other.title },
      explanation: { fr: c.explanation, en: other.explanation },
    };
  });
  const digest = criteriaDigest(criteria.map((c) => ({ id: c.id, status: c.status })));
  return {
    referential: { id: label.referential_id, version: label.referential_version },
    date,
    dataClass: dataClass ?? null,
    declarationVersion: review?.declaration ? Number(review.declaration.version) : null,
    criteriaDigest: digest,
    matchesCredential: digest === credentialCriteriaDigest(label.credential),
    criteria,
  };
}

function credentialCriteriaDigest(credential: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString('utf8'))
      .credentialSubject?.criteriaDigest;
  } catch {
    return undefined;
  }
}

/** Who owns the provider, from the latest declaration: effective non-EU stakes, control, special rights. */
export function ownershipSummary(
  ctx: Context,
  row: RegistryOfferTable,
  declaration: Declaration,
  declarationVersion: number,
) {
  const referential = ctx.referentials.get(row.referential_id, row.referential_version);
  const eu = (referential.params.euCountries as string[] | undefined) ?? [];
  const view = deriveFacts(declaration, eu).ownership;
  if (!view) {
    return {
      declarationVersion,
      declared: false,
      summary: {
        fr: 'La déclaration ne décrit pas encore l’actionnariat.',
        en: 'The declaration does not describe the ownership yet.',
      },
    };
  }
  const names = new Map([
    [declaration.provider.id, declaration.provider.name],
    ...(declaration.organisations ?? []).map((o) => [o.id, o.name] as const),
  ]);
  const name = (id: string | null) => (id ? (names.get(id) ?? id) : null);
  const n = view.nonEu;
  const sentence = (lang: Lang) => {
    const pct = (v: number) => `${formatNumber(v, lang)} %`;
    if (view.nonEuParties.length === 0) {
      return lang === 'fr'
        ? `Aucune entité extérieure à l’Union européenne ne détient de participation dans ${declaration.provider.name}.`
        : `No entity from outside the European Union holds a stake in ${declaration.provider.name}.`;
    }
    const top = name(n.maxCapitalParty) ?? name(n.maxVotingParty) ?? '';
    const control = n.controlled
      ? lang === 'fr'
        ? ` Le fournisseur est contrôlé depuis l’extérieur de l’UE (${name(n.controller)}).`
        : ` The provider is controlled from outside the EU (${name(n.controller)}).`
      : lang === 'fr'
        ? ' Aucune entité extérieure à l’UE ne contrôle le fournisseur.'
        : ' No entity from outside the EU controls the provider.';
    const rights =
      view.specialRights.length === 0
        ? ''
        : lang === 'fr'
          ? ` Droits particuliers détenus hors UE : ${view.specialRights.map((r) => `${name(r.holder)} (${r.right === 'vetoRight' ? 'droit de veto' : 'nomination de la majorité du conseil'})`).join(', ')}.`
          : ` Special rights held from outside the EU: ${view.specialRights.map((r) => `${name(r.holder)} (${r.right === 'vetoRight' ? 'veto right' : 'appoints the board majority'})`).join(', ')}.`;
    return lang === 'fr'
      ? `Des entités extérieures à l’UE détiennent au total ${pct(n.totalCapitalPct)} du capital et ${pct(n.totalVotingPct)} des droits de vote ; la plus forte participation effective est de ${pct(Math.max(n.maxCapitalPct, n.maxVotingPct))} (${top}).${control}${rights}`
      : `Entities from outside the EU hold ${pct(n.totalCapitalPct)} of the capital and ${pct(n.totalVotingPct)} of the votes in total; the largest effective stake is ${pct(Math.max(n.maxCapitalPct, n.maxVotingPct))} (${top}).${control}${rights}`;
  };
  return {
    declarationVersion,
    declared: true,
    nonEu: {
      ...n,
      maxCapitalParty: name(n.maxCapitalParty),
      maxVotingParty: name(n.maxVotingParty),
      controller: name(n.controller),
    },
    nonEuParties: view.nonEuParties,
    specialRights: view.specialRights.map((r) => ({
      ...r,
      holder: name(r.holder),
      nonEuParty: name(r.nonEuParty),
    })),
    paths: view.paths,
    summary: { fr: sentence('fr'), en: sentence('en') },
  };
}

export async function latestDeclaration(ctx: Context, offerId: string) {
  const row = await latestDeclarationBody(ctx.store.db, offerId);
  return row ? { declaration: JSON.parse(row.body) as Declaration, version: Number(row.version) } : undefined;
}
