/**
 * An application's review file, shared by the assessor's and the authority's consoles: the page itself
 * (re-rendered with errors when a form on it is refused) and the evidence download.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApplicationState } from '../../../workflow/applications.js';
import type { Actor, Context } from '../../../workflow/context.js';
import { APPLICATION_STATES } from '../../../workflow/dashboard.js';
import { readEvidence } from '../../../workflow/evidence.js';
import { listAssessors, reviewFile } from '../../../workflow/review-desk.js';
import { requestLang } from '../../render.js';
import { type FieldErrors, reviewNotice } from './forms.js';
import { renderReview } from './view.js';

export type ReviewRole = 'assessor' | 'authority';

export const NOTICES = [
  'verdicts-recorded',
  'review-completed',
  'assigned',
  'granted',
  'refused',
  'suspended',
  'reinstated',
  'revoked',
  'published',
] as const;

export const base = (role: ReviewRole) => `/console/${role}`;

export function isApplicationState(value: unknown): value is ApplicationState {
  return APPLICATION_STATES.includes(value as ApplicationState);
}

/** What a refused form sends back: its errors, the values typed, the status (400 bad input, 409 refused). */
export interface FileState {
  form: 'verdicts' | 'complete' | 'assign' | 'decision';
  errors: FieldErrors;
  values: Record<string, string>;
  status: number;
}

export async function renderFile(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  role: ReviewRole,
  id: string,
  refused?: FileState,
) {
  const file = await reviewFile(ctx, actor, id, requestLang(request));
  const assessors = role === 'authority' && file.can.assign ? await listAssessors(ctx, actor) : [];
  return renderReview(
    ctx,
    request,
    reply,
    'console/review/file',
    {
      title: 'review.file.title',
      titleParams: { offer: file.offer.name },
      nav: 'console',
      breadcrumb: [
        { key: 'common.nav.console', href: '/console' },
        role === 'assessor'
          ? { key: 'review.queue.title', href: base(role) }
          : { key: 'review.applications.title', href: `${base(role)}/applications` },
        { label: file.offer.name },
      ],
      role,
      base: base(role),
      file,
      assessors,
      reviewNotice: reviewNotice(request, NOTICES),
      refused: refused ?? null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    },
    refused?.status ?? 200,
  );
}

/** The file itself, through the evidence use case (which checks the reader may see it). */
export async function sendEvidence(
  ctx: Context,
  reply: FastifyReply,
  actor: Actor,
  id: string,
  evidenceId: string,
) {
  const file = await readEvidence(ctx, actor, id, evidenceId);
  return reply
    .type(file.mediaType)
    .header('content-disposition', attachment(file.filename))
    .header('x-content-sha256', file.digest)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(file.content));
}

/** RFC 6266: an ASCII fallback name and the exact UTF-8 name, so no header ever carries raw non-ASCII. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
