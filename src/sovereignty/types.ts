/** Shapes of a sovereignty assessment (EU Cloud Sovereignty Framework): ranges, never guesses. */
import type { CrosswalkEntry, Lang } from '../referential/types.js';

/** Inclusive bounds; equal when the facts decide. */
export interface Range {
  min: number;
  max: number;
}

/**
 * `assessed`: one rung is possible; `partially-assessed`: the facts leave several rungs (a range);
 * `not-assessed`: nothing in the declaration bears on the criterion, every rung is possible.
 */
export type AssessmentStatus = 'assessed' | 'partially-assessed' | 'not-assessed';

/** An answer given outside the declaration (self-assessment, assessor), recorded with who gave it. */
export interface Answer {
  /** Rung index, 0 being the worst answer. */
  rung: number;
  source: string;
  note?: string;
}

export type WeightProfile = 'framework' | 'guidance';

export interface SovereigntyContext {
  /** The day the assessment is made for (YYYY-MM-DD): certificates are checked against it. */
  date: string;
  lang: Lang;
  /** `framework` (v1.2.1, default), `guidance` (June 2026 calculator), or explicit percentages. */
  weights?: WeightProfile | Record<string, number>;
  answers?: Record<string, Answer>;
  /** Bounds only: no cited facts, no explanations (the registry index needs nothing more). */
  brief?: boolean;
}

export interface RungView {
  index: number;
  label: string;
  points: number;
  seal: number;
}

export interface CriterionAssessment {
  id: string;
  objective: string;
  title: string;
  status: AssessmentStatus;
  /** The rungs the facts leave possible, worst first. */
  possible: RungView[];
  points: Range;
  maxPoints: number;
  seal: Range;
  explanation: string;
  /** Declaration fields whose absence left rungs undecided. */
  missing: string[];
  /** Some possible rung has no condition at all: only an answer can settle it. */
  needsAnswer: boolean;
  source: 'declaration' | 'answer';
  answer?: Answer;
  /** An answer or a rule contradicting the facts; the facts stand. */
  conflict?: string;
  /** Values the referential cites for this criterion (plain JSON). */
  facts: Record<string, unknown>;
  crosswalk: CrosswalkEntry[];
}

export interface ObjectiveAssessment {
  id: string;
  title: string;
  weight: number;
  status: AssessmentStatus;
  /** SEAL of the objective: the weakest of its criteria, as bounds. */
  seal: Range;
  /** The SEAL when the bounds meet, else null. */
  sealLevel: number | null;
  points: Range;
  maxPoints: number;
  /** Criteria holding the SEAL's lower bound down. */
  limiting: string[];
  criteria: CriterionAssessment[];
}

export interface SovereigntyAssessment {
  referential: { id: string; version: string };
  subject: { provider: { id: string; name: string }; offer: { id: string; name: string } };
  context: { date: string; lang: Lang; weights: string };
  weights: Record<string, number>;
  status: AssessmentStatus;
  /** Overall SEAL: the weakest objective (never an average). */
  seal: Range;
  sealLevel: number | null;
  /** Weighted sovereignty score in percent: Σ points/max × weight. */
  score: Range;
  objectives: ObjectiveAssessment[];
}

/** What the registry keeps per offer and a gate reads: SEAL bounds per objective. */
export type SealProfile = Record<string, Range>;
