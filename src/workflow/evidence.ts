/**
 * Evidence files attached to an application (optionally to one criterion). Content goes to the
 * content-addressed storage; only digests ever leave the service (in labels and the log). Content is
 * readable by the owning provider, the assigned assessor and the authority.
 */
import { randomUUID } from 'node:crypto';
import { canRead, PROVIDER_EDITABLE_STATES } from './applications.js';
import { recordAudit } from './audit.js';
import type { Actor, Context } from './context.js';
import { conflict, invalid, notFound, WorkflowError } from './errors.js';
import { authorize } from './policy.js';

export interface EvidenceUpload {
  applicationId: string;
  criterionId?: string;
  filename: string;
  mediaType: string;
  content: Uint8Array;
}

export async function uploadEvidence(ctx: Context, actor: Actor | null, input: EvidenceUpload) {
  const a = authorize(actor, 'write', 'provider');
  const app = await ctx.store.db
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', input.applicationId)
    .executeTakeFirst();
  if (!app || app.organisation_id !== a.organisationId) throw notFound(`application ${input.applicationId}`);
  if (!(PROVIDER_EDITABLE_STATES as readonly string[]).includes(app.state))
    throw conflict(`cannot add evidence to an application that is ${app.state}`);
  const mediaType = input.mediaType.split(';')[0]!.trim().toLowerCase();
  if (!ctx.config.evidenceMediaTypes.includes(mediaType)) {
    throw new WorkflowError('unsupported-media-type', `evidence of type ${mediaType} is not accepted`, [
      { path: 'content-type', message: `one of: ${ctx.config.evidenceMediaTypes.join(', ')}` },
    ]);
  }
  if (input.content.byteLength > ctx.config.evidenceMaxBytes) {
    throw new WorkflowError('too-large', `evidence larger than ${ctx.config.evidenceMaxBytes} bytes`);
  }
  if (input.content.byteLength === 0)
    throw invalid('empty file', [{ path: 'file', message: 'the file is empty' }]);
  if (input.criterionId) {
    const evaluation = JSON.parse(app.evaluation) as { criteria: Array<{ id: string }> };
    if (!evaluation.criteria.some((c) => c.id === input.criterionId)) {
      throw invalid('unknown criterion', [
        { path: 'criterionId', message: `no criterion ${input.criterionId}` },
      ]);
    }
  }
  const filename = input.filename.replace(/[/\\\0]/g, '_').slice(0, 200) || 'evidence';
  const digest = await ctx.evidence.put(input.content);
  const now = ctx.clock().toISOString();
  const id = randomUUID();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('evidence')
      .values({ digest, size: input.content.byteLength, media_type: mediaType, created_at: now })
      .onConflict((oc) => oc.column('digest').doNothing())
      .execute();
    await trx
      .insertInto('application_evidence')
      .values({
        id,
        application_id: app.id,
        criterion_id: input.criterionId ?? null,
        digest,
        filename,
        uploaded_by: a.userId,
        uploaded_at: now,
      })
      .execute();
    await recordAudit(trx, new Date(now), {
      actor: a.userId,
      action: 'evidence.uploaded',
      subjectType: 'application',
      subjectId: app.id,
      after: { evidenceId: id, digest, criterion: input.criterionId ?? null },
    });
  });
  return {
    id,
    digest,
    filename,
    size: input.content.byteLength,
    mediaType,
    criterionId: input.criterionId ?? null,
    uploadedAt: now,
  };
}

export async function readEvidence(
  ctx: Context,
  actor: Actor | null,
  applicationId: string,
  evidenceId: string,
) {
  const a = authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const app = await ctx.store.db
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', applicationId)
    .executeTakeFirst();
  if (!app || !canRead(a, app)) throw notFound(`application ${applicationId}`);
  const link = await ctx.store.db
    .selectFrom('application_evidence')
    .innerJoin('evidence', 'evidence.digest', 'application_evidence.digest')
    .selectAll()
    .where('application_evidence.id', '=', evidenceId)
    .where('application_evidence.application_id', '=', applicationId)
    .executeTakeFirst();
  if (!link) throw notFound(`evidence ${evidenceId}`);
  const content = await ctx.evidence.get(link.digest);
  if (!content) throw notFound(`evidence content ${link.digest}`);
  return { filename: link.filename, mediaType: link.media_type, digest: link.digest, content };
}
