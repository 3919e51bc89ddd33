/**
 * A declaration edited through the form generated from its schema: a new offer, or a new version of one.
 * One form, several submit buttons: `_add` / `_remove` re-render it with an item more or less (no
 * JavaScript needed), `_action=preview` shows the evaluation it would get, `_action=save` saves it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EvaluationResult } from '../../../evaluation/evaluate.js';
import type { Actor, Context } from '../../../workflow/context.js';
import { readDeclaration, saveDeclaration } from '../../../workflow/declarations.js';
import { WorkflowError } from '../../../workflow/errors.js';
import { previewDeclaration } from '../../../workflow/provider-console.js';
import { translator } from '../../i18n/index.js';
import { renderPage, requestLang } from '../../render.js';
import { pageActor } from '../../session.js';
import { applyListAction, type Posted, parseForm } from '../schema-form-post.js';
import { DECLARATION_FORM, declarationForm } from './declaration-form.js';
import { evaluationView } from './evaluation-view.js';
import { HOME, offerPath } from './paths.js';

const NEW_PATH = `${HOME}/declarations/new`;
const editPath = (offerId: string) => `${offerPath(offerId)}/declaration`;

interface Editing {
  offerId: string;
  offerName: string;
  version: number;
}

interface FormState {
  doc: Record<string, unknown>;
  editing?: Editing | undefined;
  issues?: Array<{ path: string; message: string }>;
  evaluation?: EvaluationResult;
  status?: number;
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

function renderForm(ctx: Context, request: FastifyRequest, reply: FastifyReply, state: FormState) {
  const lang = requestLang(request);
  const t = translator(lang);
  const action = state.editing ? editPath(state.editing.offerId) : NEW_PATH;
  const form = declarationForm(t, state.doc, action, state.issues);
  const crumbs = state.editing
    ? [
        { label: state.editing.offerName, href: offerPath(state.editing.offerId) },
        { key: 'console.declaration.editTitle.short' },
      ]
    : [{ key: 'console.declaration.newTitle' }];
  return renderPage(
    ctx,
    request,
    reply,
    'console/provider/declaration',
    {
      title: state.editing ? 'console.declaration.editTitle' : 'console.declaration.newTitle',
      titleParams: { name: state.editing?.offerName ?? '' },
      nav: 'console',
      breadcrumb: [
        { key: 'common.nav.console', href: '/console' },
        { key: 'console.provider.title', href: HOME },
        ...crumbs,
      ],
      action,
      editing: state.editing ?? null,
      form,
      preview: state.evaluation ? evaluationView(ctx, state.evaluation, lang) : null,
    },
    state.status ?? 200,
  );
}

async function editing(ctx: Context, actor: Actor, offerId: string): Promise<Editing> {
  // Another organisation's offer is "not found" (the use case says so).
  const current = await readDeclaration(ctx, actor, offerId);
  return { offerId, offerName: current.declaration.offer.name, version: current.latestVersion };
}

/** A posted declaration form: add/remove an item, preview, or save. */
async function handlePost(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  edit: Editing | undefined,
) {
  const body = (request.body ?? {}) as Posted;
  const doc = parseForm(DECLARATION_FORM, body);
  const add = first(body._add);
  const remove = first(body._remove);
  if (add !== undefined || remove !== undefined) {
    const done = applyListAction(DECLARATION_FORM, doc, add !== undefined ? { add } : { remove: remove! });
    return renderForm(ctx, request, reply, {
      doc,
      editing: edit,
      ...(done ? {} : { issues: [{ path: '$', message: 'no such list' }], status: 400 }),
    });
  }
  const lang = requestLang(request);
  try {
    if (first(body._action) !== 'save') {
      const evaluation = previewDeclaration(ctx, actor, doc, { lang });
      return renderForm(ctx, request, reply, { doc, editing: edit, evaluation });
    }
    // The version the form was opened on: saving over a newer one is refused, not silently lost.
    const sameOffer = edit && (doc.offer as { id?: unknown } | undefined)?.id === edit.offerId;
    const saved = await saveDeclaration(ctx, actor, doc, sameOffer ? { expectedVersion: edit.version } : {});
    return reply.redirect(`${offerPath(saved.offerId)}?notice=declaration-saved`, 303);
  } catch (err) {
    if (!(err instanceof WorkflowError) || !['invalid', 'conflict'].includes(err.kind)) throw err;
    const stale = err.details.some((d) => d.path === 'If-Match');
    const issues = stale ? [{ path: '$', message: 'stale version' }] : err.details;
    return renderForm(ctx, request, reply, {
      doc,
      editing: edit,
      issues: issues.length > 0 ? issues : [{ path: '$', message: err.message }],
      status: err.kind === 'invalid' ? 400 : 409,
    });
  }
}

export function registerDeclarationPages(app: FastifyInstance, ctx: Context) {
  app.get(NEW_PATH, async (request, reply) => {
    pageActor(request, 'provider');
    return renderForm(ctx, request, reply, { doc: { formatVersion: 1 } });
  });

  app.post(NEW_PATH, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    return handlePost(ctx, request, reply, actor, undefined);
  });

  app.get<{ Params: { id: string } }>(`${HOME}/offers/:id/declaration`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    const current = await readDeclaration(ctx, actor, request.params.id);
    return renderForm(ctx, request, reply, {
      doc: current.declaration as unknown as Record<string, unknown>,
      editing: {
        offerId: current.offerId,
        offerName: current.declaration.offer.name,
        version: current.latestVersion,
      },
    });
  });

  app.post<{ Params: { id: string } }>(`${HOME}/offers/:id/declaration`, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    const edit = await editing(ctx, actor, request.params.id);
    // The version the form was opened on, not the latest now: a concurrent save is then caught.
    const opened = Number(first((request.body as Posted | undefined)?._version));
    if (Number.isInteger(opened) && opened > 0) edit.version = opened;
    return handlePost(ctx, request, reply, actor, edit);
  });
}
