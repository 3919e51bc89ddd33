/**
 * An application as its provider follows it: state, criteria (with the assessor's verdicts), decision,
 * label; evidence uploaded as files (multipart) and listed with their SHA-256 digests; withdrawal while the
 * workflow allows it.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withdrawApplication } from '../../../workflow/applications.js';
import type { Actor, Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import { readEvidence, uploadEvidence } from '../../../workflow/evidence.js';
import { getProviderApplication } from '../../../workflow/provider-console.js';
import { CSRF_FIELD } from '../../csrf.js';
import { errorPage } from '../../errors.js';
import { renderPage, requestLang } from '../../render.js';
import { pageActor } from '../../session.js';
import { evaluationView } from './evaluation-view.js';
import { applicationPath, HOME, offerPath } from './paths.js';

type Params = { Params: { id: string } };

/** Field id → message key. */
type FieldErrors = Record<string, string>;

/** What the evidence form posts once @fastify/multipart has read it (see `registerEvidenceUpload`). */
interface EvidenceBody {
  [CSRF_FIELD]?: unknown;
  criterionId?: unknown;
  file?: { filename?: string; mimetype?: string; content?: Buffer; tooLarge?: boolean; unchecked?: boolean };
}

async function renderApplication(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  id: string,
  errors: FieldErrors = {},
  status = 200,
  values: { criterionId?: string } = {},
) {
  const lang = requestLang(request);
  const app = await getProviderApplication(ctx, actor, id, lang);
  return renderPage(
    ctx,
    request,
    reply,
    'console/provider/application',
    {
      title: 'console.application.title',
      titleParams: { name: app.offerName },
      nav: 'console',
      breadcrumb: [
        { key: 'common.nav.console', href: '/console' },
        { key: 'console.provider.title', href: HOME },
        { label: app.offerName, href: offerPath(app.offerId) },
        { key: 'console.application.crumb' },
      ],
      app,
      evaluation: evaluationView(
        ctx,
        { ...app.evaluation, level: app.reviewedLevel, levels: app.reviewedLevels, criteria: app.criteria },
        lang,
      ),
      maxBytes: ctx.config.evidenceMaxBytes,
      mediaTypes: ctx.config.evidenceMediaTypes,
      errors,
      values,
      paths: {
        self: applicationPath(id),
        offer: offerPath(app.offerId),
        withdraw: `${applicationPath(id)}/withdraw`,
        evidence: `${applicationPath(id)}/evidence`,
      },
    },
    status,
  );
}

/** A refusal of the evidence use case, as the field it concerns and the status it maps to. */
function evidenceError(err: WorkflowError): { errors: FieldErrors; status: number } | undefined {
  switch (err.kind) {
    case 'unsupported-media-type':
      return { errors: { file: 'console.evidence.mediaType' }, status: 415 };
    case 'too-large':
      return { errors: { file: 'console.evidence.tooLarge' }, status: 413 };
    case 'conflict':
      return { errors: { form: 'console.evidence.closed' }, status: 409 };
    case 'invalid':
      return err.details.some((d) => d.path === 'criterionId')
        ? { errors: { criterionId: 'console.evidence.criterionUnknown' }, status: 400 }
        : { errors: { file: 'console.evidence.empty' }, status: 400 };
    default:
      return undefined;
  }
}

/**
 * The upload form, in its own scope so that only this route reads multipart bodies. The fields are read
 * into `request.body` before the handlers run, so the API's CSRF check sees `_csrf` as on any form; the
 * token must come before the file, and a post without one has its file skipped unread.
 */
async function registerEvidenceUpload(app: FastifyInstance, ctx: Context) {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      // A file over the limit is cut and flagged (below), so the page can say so next to the field.
      throwFileSizeLimit: false,
      limits: { fileSize: ctx.config.evidenceMaxBytes, files: 1, fields: 5, parts: 6 },
      async onFile(part) {
        // Fields are kept in the order they arrived: the token must be there, and before the file.
        const order = Object.keys(part.fields);
        const token = (part.fields[CSRF_FIELD] as { value?: unknown } | undefined)?.value;
        if (typeof token !== 'string' || order.indexOf(CSRF_FIELD) > order.indexOf(part.fieldname)) {
          part.file.resume();
          (part as unknown as { value: unknown }).value = { unchecked: true };
          return;
        }
        const content = await part.toBuffer();
        const value: EvidenceBody['file'] = part.file.truncated
          ? { filename: part.filename, mimetype: part.mimetype, tooLarge: true }
          : { filename: part.filename, mimetype: part.mimetype, content };
        (part as unknown as { value: unknown }).value = value;
      },
    });

    scope.post<Params>(`${HOME}/applications/:id/evidence`, async (request, reply) => {
      const actor = pageActor(request, 'provider');
      const body = (request.body ?? {}) as EvidenceBody;
      // The API's preHandler checked the token already; checked again here because this body is not a
      // form, and a token sent after the file did not protect the file's reading.
      if (body[CSRF_FIELD] !== request.session?.csrfToken || body.file?.unchecked)
        return errorPage(ctx, request, reply, { status: 403, message: 'missing or wrong CSRF token' });
      const id = request.params.id;
      const criterionId = typeof body.criterionId === 'string' ? body.criterionId.trim() : '';
      const values = { criterionId };
      const file = body.file;
      if (!file?.filename || (!file.content && !file.tooLarge))
        return renderApplication(
          ctx,
          request,
          reply,
          actor,
          id,
          { file: 'console.evidence.missing' },
          400,
          values,
        );
      if (file.tooLarge)
        return renderApplication(
          ctx,
          request,
          reply,
          actor,
          id,
          { file: 'console.evidence.tooLarge' },
          413,
          values,
        );
      try {
        await uploadEvidence(ctx, actor, {
          applicationId: id,
          filename: file.filename,
          mediaType: file.mimetype ?? 'application/octet-stream',
          content: file.content!,
          ...(criterionId ? { criterionId } : {}),
        });
      } catch (err) {
        const refused = err instanceof WorkflowError ? evidenceError(err) : undefined;
        if (!refused) throw err;
        return renderApplication(ctx, request, reply, actor, id, refused.errors, refused.status, values);
      }
      return reply.redirect(`${applicationPath(id)}?notice=evidence-uploaded#evidence`, 303);
    });
  });
}

/** RFC 6266: an ASCII fallback name and the exact UTF-8 name, so no header carries raw non-ASCII. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export async function registerApplicationPages(app: FastifyInstance, ctx: Context) {
  app.get<Params>(`${HOME}/applications/:id`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    return renderApplication(ctx, request, reply, actor, request.params.id);
  });

  app.post<Params>(`${HOME}/applications/:id/withdraw`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    const id = request.params.id;
    const version = Number((request.body as Record<string, unknown> | undefined)?.version);
    try {
      await withdrawApplication(
        ctx,
        actor,
        id,
        Number.isInteger(version) && version > 0 ? version : undefined,
      );
    } catch (err) {
      if (err instanceof WorkflowError && err.kind === 'conflict')
        return renderApplication(
          ctx,
          request,
          reply,
          actor,
          id,
          { form: 'console.application.cannotWithdraw' },
          409,
        );
      throw err;
    }
    return reply.redirect(`${applicationPath(id)}?notice=application-withdrawn`, 303);
  });

  app.get<{ Params: { id: string; evidenceId: string } }>(
    `${HOME}/applications/:id/evidence/:evidenceId`,
    async (request, reply) => {
      const actor = pageActor(request, 'provider');
      const file = await readEvidence(ctx, actor, request.params.id, request.params.evidenceId);
      return reply
        .type(file.mediaType)
        .header('content-disposition', attachment(file.filename))
        .header('x-content-sha256', file.digest)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(file.content));
    },
  );

  await registerEvidenceUpload(app, ctx);
}
