/** How an application is shown to the people allowed to read it. */
import type { EvaluationResult } from '../evaluation/evaluate.js';
import type { ApplicationTable } from '../store/schema.js';
import type { ApplicationState } from './applications.js';
import { reviewedLevels, type Verdict } from './review.js';

export function presentApplication(
  app: ApplicationTable,
  verdicts: Array<{
    criterion_id: string;
    status: string;
    automated_status: string;
    comment: string | null;
    assessor_id: string;
    decided_at: string;
  }> = [],
  decision?: {
    outcome: string;
    level: string | null;
    reasons: string;
    decided_by: string;
    decided_at: string;
  },
  evidence: Array<{
    id: string;
    criterion_id: string | null;
    digest: string;
    filename: string;
    uploaded_at: string;
  }> = [],
  label?: { id: string; state: string; level: string },
) {
  const evaluation = JSON.parse(app.evaluation) as EvaluationResult;
  return {
    id: app.id,
    organisationId: app.organisation_id,
    offerId: app.offer_id,
    declarationId: app.declaration_id,
    state: app.state as ApplicationState,
    targetLevel: app.target_level,
    dataClass: app.data_class,
    referential: { id: app.referential_id, version: app.referential_version },
    assessorId: app.assessor_id,
    submittedAt: app.submitted_at,
    updatedAt: app.updated_at,
    version: Number(app.row_version),
    evaluation,
    verdicts: verdicts.map((v) => ({
      criterionId: v.criterion_id,
      status: v.status,
      automatedStatus: v.automated_status,
      comment: v.comment,
      assessorId: v.assessor_id,
      decidedAt: v.decided_at,
    })),
    review: reviewSummary(evaluation, verdicts),
    decision: decision
      ? {
          outcome: decision.outcome,
          level: decision.level,
          reasons: decision.reasons,
          decidedBy: decision.decided_by,
          decidedAt: decision.decided_at,
        }
      : null,
    evidence: evidence.map((e) => ({
      id: e.id,
      criterionId: e.criterion_id,
      digest: e.digest,
      filename: e.filename,
      uploadedAt: e.uploaded_at,
    })),
    label: label ?? null,
  };
}

/** The levels after review and what is still waiting for a verdict (the criteria are already shown). */
function reviewSummary(
  evaluation: EvaluationResult,
  verdicts: Array<{ criterion_id: string; status: string }>,
) {
  const { level, levels, pendingReviews } = reviewedLevels(
    evaluation,
    verdicts.map((v) => ({ criterionId: v.criterion_id, status: v.status as Verdict['status'] })),
  );
  return { level, levels, pendingReviews };
}
