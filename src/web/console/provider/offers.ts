/**
 * An offer in the provider console: its latest declaration, the evaluation an application would get
 * today for a chosen level and data class (previewed before applying), its applications and labels.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { submitApplication } from '../../../workflow/applications.js';
import type { Actor, Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import {
  applicationChoices,
  checkApplicationOptions,
  getProviderOffer,
  previewDeclaration,
} from '../../../workflow/provider-console.js';
import { renderPage, requestLang } from '../../render.js';
import { pageActor } from '../../session.js';
import { evaluationView } from './evaluation-view.js';
import { applicationPath, HOME, offerPath } from './paths.js';

interface ApplyForm {
  targetLevel: string;
  dataClass: string;
}

/** Field id → message key, for the selects of the apply form. */
type FieldErrors = Record<string, string>;

function first(value: unknown): string {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v.trim() : '';
}

async function renderOffer(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  offerId: string,
  form: Partial<ApplyForm>,
  outcome: { errors?: FieldErrors; status?: number; changed?: boolean } = {},
) {
  const lang = requestLang(request);
  const offer = await getProviderOffer(ctx, actor, offerId);
  const choices = applicationChoices(ctx);
  const known = (id: string, list: Array<{ id: string }>) => list.some((x) => x.id === id);
  // The preview follows the options chosen when they are valid, and the defaults otherwise.
  const dataClass = form.dataClass && known(form.dataClass, choices.dataClasses) ? form.dataClass : '';
  const evaluation = previewDeclaration(ctx, actor, offer.declaration, {
    lang,
    ...(dataClass ? { dataClass } : {}),
  });
  const targetLevel =
    form.targetLevel && known(form.targetLevel, choices.levels)
      ? form.targetLevel
      : (evaluation.levelSubjectToReview ?? choices.levels[0]?.id ?? '');
  return renderPage(
    ctx,
    request,
    reply,
    'console/provider/offer',
    {
      title: 'console.offer.title',
      titleParams: { name: offer.declaration.offer.name },
      nav: 'console',
      breadcrumb: [
        { key: 'common.nav.console', href: '/console' },
        { key: 'console.provider.title', href: HOME },
        { label: offer.declaration.offer.name },
      ],
      offer,
      choices,
      form: { targetLevel: form.targetLevel ?? targetLevel, dataClass: form.dataClass ?? dataClass },
      previewed: { targetLevel, dataClass },
      preview: evaluationView(ctx, evaluation, lang),
      errors: outcome.errors ?? {},
      changed: outcome.changed ?? false,
      paths: {
        self: offerPath(offerId),
        edit: `${offerPath(offerId)}/declaration`,
        apply: `${offerPath(offerId)}/applications`,
        application: (id: string) => applicationPath(id),
      },
    },
    outcome.status ?? 200,
  );
}

export function registerOfferPages(app: FastifyInstance, ctx: Context) {
  app.get<{ Params: { id: string } }>(`${HOME}/offers/:id`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    return renderOffer(ctx, request, reply, actor, request.params.id, {});
  });

  app.post<{ Params: { id: string } }>(`${HOME}/offers/:id/applications`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    const offerId = request.params.id;
    // Another organisation's offer is "not found" before anything else is looked at.
    await getProviderOffer(ctx, actor, offerId);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = { targetLevel: first(body.targetLevel), dataClass: first(body.dataClass) };
    const errors: FieldErrors = {};
    try {
      if (!form.targetLevel) errors.targetLevel = 'console.apply.levelMissing';
      checkApplicationOptions(ctx, form);
    } catch (err) {
      if (!(err instanceof WorkflowError) || err.kind !== 'invalid') throw err;
      for (const d of err.details) {
        if (d.path === '$.targetLevel') errors.targetLevel = 'console.apply.levelUnknown';
        if (d.path === '$.dataClass') errors.dataClass = 'console.apply.dataClassUnknown';
      }
    }
    if (Object.keys(errors).length > 0)
      return renderOffer(ctx, request, reply, actor, offerId, form, { errors, status: 400 });
    if (first(body._action) !== 'apply') return renderOffer(ctx, request, reply, actor, offerId, form);
    // Applying with options other than those previewed shows their preview first.
    if (
      form.targetLevel !== first(body._previewedLevel) ||
      form.dataClass !== first(body._previewedDataClass)
    )
      return renderOffer(ctx, request, reply, actor, offerId, form, { changed: true });
    try {
      const created = await submitApplication(ctx, actor, {
        offerId,
        targetLevel: form.targetLevel,
        ...(form.dataClass ? { dataClass: form.dataClass } : {}),
      });
      return reply.redirect(`${applicationPath(created.id)}?notice=application-submitted`, 303);
    } catch (err) {
      if (err instanceof WorkflowError && err.kind === 'conflict') {
        return renderOffer(ctx, request, reply, actor, offerId, form, {
          errors: { form: 'console.apply.alreadyOpen' },
          status: 409,
        });
      }
      throw err;
    }
  });
}
