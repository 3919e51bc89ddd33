/**
 * An evaluation, or an assessor's review of one, as OSCAL 1.1 assessment-results: one result per
 * evaluation, an observation per criterion (what the declaration shows, with its explanation) and a
 * finding per criterion whose target is the criterion's assessment objective in our catalog export
 * (`<criterion>_obj`). Statuses map to OSCAL's satisfied / not-satisfied, our exact status kept as a prop.
 * Deterministic: UUIDs are derived from our ids and dates come from the evaluation.
 */
import type { CriterionResult, EvaluationResult } from '../../evaluation/evaluate.js';
import { OSCAL_NS, OSCAL_VERSION, oscalDateTime, oscalString, stableUuid } from './ids.js';

export interface Verdict {
  criterionId: string;
  status: 'pass' | 'fail' | 'not-applicable';
  comment?: string;
}

export interface ReviewInput {
  /** Stable id of the review (the application id), part of every UUID of the export. */
  id: string;
  assessor: { id: string; name: string };
  verdicts: Verdict[];
  /** Day the review was completed (YYYY-MM-DD or date-time). */
  completedOn?: string;
}

export interface AssessmentResultsInput {
  evaluation: EvaluationResult;
  review?: ReviewInput;
  /** Where the catalog export of the referential is published, for `import-ap` and links. */
  catalogHref?: string;
}

const prop = (name: string, value: string, extra: Record<string, string> = {}) => ({
  name,
  ns: OSCAL_NS,
  value: oscalString(value),
  ...extra,
});

type OscalState = { state: 'satisfied' | 'not-satisfied'; reason: 'pass' | 'fail' | 'other' };

function toState(status: string): OscalState {
  switch (status) {
    case 'pass':
      return { state: 'satisfied', reason: 'pass' };
    case 'fail':
      return { state: 'not-satisfied', reason: 'fail' };
    case 'not-applicable':
      return { state: 'satisfied', reason: 'other' };
    default:
      // manual-review and missing-data: not shown to be satisfied yet.
      return { state: 'not-satisfied', reason: 'other' };
  }
}

export function evaluationToAssessmentResults(input: AssessmentResultsInput): {
  'assessment-results': Record<string, unknown>;
} {
  const { evaluation: e, review } = input;
  const ref = `${e.referential.id}@${e.referential.version}`;
  const subject = `${e.subject.provider.id}/${e.subject.offer.id}`;
  const key = [ref, subject, e.context.date, review?.id ?? 'automated'];
  const uuid = (...parts: string[]) => stableUuid(...key, ...parts);
  const start = oscalDateTime(e.context.date);
  const end = oscalDateTime(review?.completedOn ?? e.context.date);
  const verdicts = new Map((review?.verdicts ?? []).map((v) => [v.criterionId, v]));
  const toolUuid = stableUuid('tool', 'confiance');
  const offerUuid = stableUuid('offer', e.subject.provider.id, e.subject.offer.id);
  const providerParty = stableUuid('party', e.subject.provider.id);
  const assessorParty = review ? stableUuid('party', 'assessor', review.assessor.id) : undefined;
  const fr = e.context.lang === 'fr';

  const observations = e.criteria.map((c) => observation(c, uuid, offerUuid, start));
  const findings = e.criteria.map((c) => {
    const verdict = verdicts.get(c.id);
    const status = verdict?.status ?? c.status;
    const state = toState(status);
    return {
      uuid: uuid('finding', c.id),
      title: `${c.id} ${c.title}`,
      description: verdict?.comment ? `${c.explanation}\n\n${verdict.comment}` : c.explanation || c.title,
      props: [
        prop('status', status),
        ...(verdict ? [prop('automated-status', c.status), prop('decided-by', 'assessor')] : []),
        ...c.levels.map((l) => prop('level', l)),
      ],
      origins: [
        {
          actors:
            verdict && assessorParty
              ? [{ type: 'party', 'actor-uuid': assessorParty, 'role-id': 'assessor' }]
              : [{ type: 'tool', 'actor-uuid': toolUuid }],
        },
      ],
      target: {
        type: 'objective-id',
        'target-id': `${c.id}_obj`,
        status: state,
        ...(status === 'not-applicable' ? { 'implementation-status': { state: 'not-applicable' } } : {}),
      },
      'related-observations': [{ 'observation-uuid': uuid('observation', c.id) }],
    };
  });

  const level = e.level ?? (fr ? 'aucun' : 'none');
  const result = {
    uuid: uuid('result'),
    title: fr
      ? `Évaluation de ${e.subject.offer.name} (${ref})`
      : `Evaluation of ${e.subject.offer.name} (${ref})`,
    description: review
      ? fr
        ? `Évaluation automatisée revue par ${review.assessor.name}. Niveau atteint : ${level}.`
        : `Automated evaluation reviewed by ${review.assessor.name}. Level attained: ${level}.`
      : fr
        ? `Évaluation automatisée de la déclaration. Niveau atteint : ${level} ; sous réserve des revues : ${e.levelSubjectToReview ?? 'aucun'}.`
        : `Automated evaluation of the declaration. Level attained: ${level}; subject to review: ${e.levelSubjectToReview ?? 'none'}.`,
    start,
    end,
    props: [
      prop('level-attained', e.level ?? 'none'),
      prop('level-subject-to-review', e.levelSubjectToReview ?? 'none'),
      ...(e.context.dataClass ? [prop('data-class', e.context.dataClass)] : []),
      ...e.levels.map((l) => prop('level-status', `${l.id}=${l.status}`)),
    ],
    'local-definitions': {
      components: [
        {
          uuid: offerUuid,
          type: 'service',
          title: e.subject.offer.name,
          description: fr
            ? `Offre ${e.subject.offer.id} de ${e.subject.provider.name}`
            : `Offer ${e.subject.offer.id} of ${e.subject.provider.name}`,
          props: [prop('offer-id', e.subject.offer.id), prop('provider-id', e.subject.provider.id)],
          status: { state: 'operational' },
        },
        {
          uuid: toolUuid,
          type: 'software',
          title: 'confiance',
          description: fr
            ? 'Évaluation des règles CEL du référentiel sur la déclaration.'
            : 'Evaluation of the referential’s CEL rules on the declaration.',
          status: { state: 'operational' },
        },
      ],
    },
    'reviewed-controls': {
      'control-selections': [{ 'include-controls': e.criteria.map((c) => ({ 'control-id': c.id })) }],
    },
    ...(review && assessorParty
      ? {
          attestations: [
            {
              'responsible-parties': [{ 'role-id': 'assessor', 'party-uuids': [assessorParty] }],
              parts: [
                {
                  uuid: uuid('attestation'),
                  name: 'objective',
                  title: fr ? 'Revue de l’évaluateur' : 'Assessor review',
                  prose: fr
                    ? `${review.verdicts.length} verdict(s) rendu(s) par ${review.assessor.name}.`
                    : `${review.verdicts.length} verdict(s) given by ${review.assessor.name}.`,
                },
              ],
            },
          ],
        }
      : {}),
    observations,
    findings,
  };
  return {
    'assessment-results': {
      uuid: uuid('document'),
      metadata: {
        title: result.title,
        published: end,
        'last-modified': end,
        version: review ? `review-${review.id}` : `evaluation-${e.context.date}`,
        'oscal-version': OSCAL_VERSION,
        props: [prop('referential', ref), prop('language', e.context.lang)],
        roles: [
          { id: 'provider', title: fr ? 'Fournisseur' : 'Provider' },
          ...(review ? [{ id: 'assessor', title: fr ? 'Évaluateur' : 'Assessor' }] : []),
        ],
        parties: [
          { uuid: providerParty, type: 'organization', name: e.subject.provider.name },
          ...(review && assessorParty
            ? [{ uuid: assessorParty, type: 'person', name: review.assessor.name }]
            : []),
        ],
        'responsible-parties': [
          { 'role-id': 'provider', 'party-uuids': [providerParty] },
          ...(review && assessorParty ? [{ 'role-id': 'assessor', 'party-uuids': [assessorParty] }] : []),
        ],
      },
      'import-ap': {
        href: input.catalogHref ?? `urn:confiance:referential:${e.referential.id}:${e.referential.version}`,
        remarks: fr
          ? 'Pas de plan d’évaluation distinct : le référentiel (export OSCAL catalog) fixe les objectifs évalués.'
          : 'No separate assessment plan: the referential (OSCAL catalog export) sets the objectives assessed.',
      },
      results: [result],
    },
  };
}

function observation(
  c: CriterionResult,
  uuid: (...p: string[]) => string,
  offerUuid: string,
  collected: string,
) {
  return {
    uuid: uuid('observation', c.id),
    title: `${c.id} ${c.title}`,
    description: c.explanation || c.title,
    props: [
      prop('status', c.status),
      prop('category', c.category),
      ...(c.missing ?? []).map((m) => prop('missing', m)),
    ],
    methods: ['EXAMINE'],
    types: ['control-objective'],
    subjects: [{ 'subject-uuid': offerUuid, type: 'component' }],
    collected,
  };
}
