/**
 * Use cases of interoperability: Gaia-X import and label export, OSCAL exports of referentials and of
 * applications, the EU Cloud Sovereignty Framework assessment of declarations and of registry offers.
 * The formats live in src/interop/ and src/sovereignty/ (pure); this module only loads, authorizes and
 * maps their errors.
 */
import type { Declaration } from '../declaration/types.js';
import { validateDeclaration } from '../declaration/validate.js';
import type { EvaluationResult } from '../evaluation/evaluate.js';
import {
  buildGaiaxLabelCredential,
  type CoveredInput,
  GaiaxExportError,
  type GaiaxLabelInput,
  gaiaxLevelOf,
  signGaiaxLabelCredential,
} from '../interop/gaiax/export.js';
import { type GaiaxImport, importGaiax } from '../interop/gaiax/import.js';
import { evaluationToAssessmentResults, type Verdict } from '../interop/oscal/assessment-results.js';
import { referentialToCatalog } from '../interop/oscal/catalog.js';
import { type OscalModel, validateOscal } from '../interop/oscal/schema.js';
import { DEFAULT_REFERENTIAL_ID } from '../referential/load.js';
import type { Lang } from '../referential/types.js';
import { parseAnswers } from '../sovereignty/answers.js';
import {
  assessSovereignty,
  checkSealGate,
  type GateOutcome,
  parseSealGate,
  SealGateError,
  SOVEREIGNTY_REFERENTIAL_ID,
  type SovereigntyAssessment,
  SovereigntyError,
  sealProfile,
} from '../sovereignty/index.js';
import * as repo from '../store/registry-repository.js';
import { getApplication } from './applications.js';
import type { Actor, Context } from './context.js';
import { invalid, notFound } from './errors.js';
import { getLabel } from './labels.js';
import { authorize } from './policy.js';

/** A Gaia-X document (presentation, self-description or credential) to a draft declaration. */
export async function importGaiaxForActor(
  ctx: Context,
  actor: Actor | null,
  input: {
    document: unknown;
    didDocuments?: Array<Record<string, unknown>>;
    allowUnsigned?: boolean;
    lang: Lang;
  },
): Promise<GaiaxImport> {
  authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const result = await importGaiax(input.document, {
    requireProof: !input.allowUnsigned,
    ...(input.didDocuments ? { didDocuments: input.didDocuments } : {}),
    referential: ctx.referentials.latest(DEFAULT_REFERENTIAL_ID),
    date: ctx.clock().toISOString().slice(0, 10),
    lang: input.lang,
  });
  if (!result.ok) {
    const errors = result.issues.filter((i) => i.severity === 'error');
    throw invalid(
      `invalid Gaia-X input (${errors.length} problem${errors.length > 1 ? 's' : ''})`,
      errors.map((i) => ({ path: i.path, message: i.message })),
    );
  }
  return result;
}

/** A published referential version as an OSCAL catalog. */
export function referentialCatalog(ctx: Context, id: string, version: string, lang: Lang): string {
  const compiled = ctx.referentials.get(id, version);
  return serialiseOscal('catalog', referentialToCatalog(compiled.document, { lang }));
}

/** An application's evaluation, with its assessor's verdicts when there are some, as OSCAL assessment-results. */
export async function applicationAssessmentResults(
  ctx: Context,
  actor: Actor | null,
  id: string,
): Promise<string> {
  const app = await getApplication(ctx, actor, id);
  const evaluation = app.evaluation as EvaluationResult;
  const verdicts = app.verdicts.filter((v): v is typeof v & { status: Verdict['status'] } =>
    ['pass', 'fail', 'not-applicable'].includes(v.status),
  );
  let review: Parameters<typeof evaluationToAssessmentResults>[0]['review'];
  if (verdicts.length > 0) {
    const assessorId = app.assessorId ?? verdicts[0]!.assessorId;
    const user = await ctx.store.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', '=', assessorId)
      .executeTakeFirst();
    review = {
      id: app.id,
      assessor: { id: assessorId, name: user?.display_name ?? assessorId },
      verdicts: verdicts.map((v) => ({
        criterionId: v.criterionId,
        status: v.status,
        ...(v.comment ? { comment: v.comment } : {}),
      })),
      completedOn: verdicts
        .map((v) => v.decidedAt)
        .sort()
        .at(-1)!
        .slice(0, 10),
    };
  }
  const href = `${ctx.issuer.origin}/v1/referentials/${encodeURIComponent(evaluation.referential.id)}/${encodeURIComponent(evaluation.referential.version)}/oscal`;
  return serialiseOscal(
    'assessment-results',
    evaluationToAssessmentResults({ evaluation, catalogHref: href, ...(review ? { review } : {}) }),
  );
}

/** A label as a Gaia-X-style label credential: the JSON-LD document, or signed by the authority (JWT). */
export async function labelAsGaiax(ctx: Context, labelId: string, format: 'json' | 'jwt') {
  const label = await getLabel(ctx.store.db, labelId);
  const payload = JSON.parse(
    Buffer.from(label.credential.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ) as GaiaxLabelInput['label'];
  const referential = ctx.referentials.get(label.referential_id, label.referential_version);
  const covered: CoveredInput[] = [
    {
      id: `${referential.document.id}@${referential.document.version}`,
      type: 'confiance:Referential',
      document: referential.document,
    },
  ];
  if (label.application_id) {
    const row = await ctx.store.db
      .selectFrom('applications')
      .innerJoin('declarations', 'declarations.id', 'applications.declaration_id')
      .select(['declarations.body', 'declarations.version'])
      .where('applications.id', '=', label.application_id)
      .executeTakeFirst();
    if (row) {
      covered.push({
        id: `${ctx.issuer.origin}/v1/offers/${encodeURIComponent(label.offer_id)}/declaration?version=${row.version}`,
        type: 'confiance:Declaration',
        document: JSON.parse(row.body),
      });
    }
  }
  let credential: Record<string, unknown>;
  try {
    credential = buildGaiaxLabelCredential({ label: payload, referential: referential.document, covered });
  } catch (err) {
    if (err instanceof GaiaxExportError) throw invalid(err.message);
    throw err;
  }
  if (format === 'jwt')
    return {
      contentType: 'application/vc+ld+json+jwt',
      body: await signGaiaxLabelCredential(credential, ctx.issuer.did, ctx.issuer.keys),
    };
  return { contentType: 'application/ld+json', body: `${JSON.stringify(credential, null, 2)}\n` };
}

export interface SovereigntyRequest {
  declaration: unknown;
  answers?: unknown;
  weights?: 'framework' | 'guidance';
  gate?: string;
  lang: Lang;
}

/** The EU CSF assessment of a declaration someone submits (nothing stored). */
export function assessDeclarationSovereignty(ctx: Context, actor: Actor | null, input: SovereigntyRequest) {
  authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const valid = validateDeclaration(input.declaration);
  if (!valid.ok)
    throw invalid(
      'invalid declaration',
      valid.issues.map((i) => ({ path: `$.declaration${i.path.slice(1)}`, message: i.message })),
    );
  let answers: ReturnType<typeof parseAnswers> | undefined;
  if (input.answers !== undefined) {
    answers = parseAnswers(input.answers);
    if (!answers.ok)
      throw invalid(
        'invalid answers',
        answers.issues.map((i) => ({ path: `$.answers${i.path.slice(1)}`, message: i.message })),
      );
  }
  return assess(
    ctx,
    valid.declaration,
    input.lang,
    input.weights,
    input.gate,
    answers?.ok ? answers.answers : undefined,
  );
}

/**
 * A labelled offer side by side: its French label level, the Gaia-X label level it maps to, and its EU
 * Cloud Sovereignty Framework assessment (from its latest declaration), with an optional SEAL gate.
 */
export async function offerSovereignty(
  ctx: Context,
  offerId: string,
  lang: Lang,
  gate?: string,
  weights?: 'framework' | 'guidance',
) {
  const row = await repo.registryOffer(ctx.store.db, offerId);
  if (!row) throw notFound(`registry entry for offer ${offerId}`);
  const latest = await repo.latestDeclarationBody(ctx.store.db, offerId);
  if (!latest) throw notFound(`declaration of offer ${offerId}`);
  const referential = ctx.referentials.get(row.referential_id, row.referential_version);
  let gaiax: string | null = null;
  try {
    gaiax = gaiaxLevelOf(referential.document, row.level);
  } catch {
    gaiax = null;
  }
  const { assessment, gate: outcome } = assess(
    ctx,
    JSON.parse(latest.body) as Declaration,
    lang,
    weights,
    gate,
  );
  return {
    offer: { id: row.offer_id, name: row.offer_name },
    provider: { id: row.provider_id, name: row.provider_name },
    declarationVersion: Number(latest.version),
    label: {
      id: row.label_id,
      level: row.level,
      referential: { id: row.referential_id, version: row.referential_version },
    },
    gaiax: {
      labelLevel: gaiax,
      note: 'mapping of the French level to the Gaia-X level whose requirements it covers; not a label issued by Gaia-X',
    },
    seal: sealProfile(assessment),
    ...(outcome ? { gate: outcome } : {}),
    assessment,
  };
}

function assess(
  ctx: Context,
  declaration: Declaration,
  lang: Lang,
  weights: 'framework' | 'guidance' | undefined,
  gateText: string | undefined,
  answers?: NonNullable<Parameters<typeof assessSovereignty>[2]['answers']>,
): { assessment: SovereigntyAssessment; gate?: GateOutcome } {
  const referential = ctx.referentials.latest(SOVEREIGNTY_REFERENTIAL_ID);
  const objectives = (referential.document.objectives ?? []).map((o) => o.id);
  let assessment: SovereigntyAssessment;
  try {
    const gate = gateText ? parseSealGate(gateText, objectives, 'gate') : undefined;
    assessment = assessSovereignty(referential, declaration, {
      date: ctx.clock().toISOString().slice(0, 10),
      lang,
      ...(weights ? { weights } : {}),
      ...(answers ? { answers } : {}),
    });
    return gate ? { assessment, gate: checkSealGate(assessment, gate) } : { assessment };
  } catch (err) {
    if (err instanceof SealGateError) throw invalid('invalid SEAL gate', err.issues);
    if (err instanceof SovereigntyError) throw invalid(err.message, err.issues);
    throw err;
  }
}

function serialiseOscal(model: OscalModel, document: unknown): string {
  const issues = validateOscal(model, document);
  // Our export breaking NIST's schema is a bug to fix, not something to hand out.
  if (issues.length > 0)
    throw new Error(
      `OSCAL ${model} export does not match the NIST schema: ${issues[0]!.path} ${issues[0]!.message}`,
    );
  return `${JSON.stringify(document, null, 2)}\n`;
}
