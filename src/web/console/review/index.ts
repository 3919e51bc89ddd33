/**
 * The assessor's and the authority's consoles (`/console/assessor/…`, `/console/authority/…`): thin pages
 * over the review, decision, label, referential and audit use cases of src/workflow/.
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../workflow/context.js';
import { registerAssessorPages } from './assessor.js';
import { registerAuditPages } from './audit.js';
import { registerAuthorityPages } from './authority.js';
import { registerLabelPages } from './labels.js';
import { registerReferentialPages } from './referentials.js';

export async function registerReviewPages(app: FastifyInstance, ctx: Context) {
  registerAssessorPages(app, ctx);
  registerAuthorityPages(app, ctx);
  registerLabelPages(app, ctx);
  registerReferentialPages(app, ctx);
  registerAuditPages(app, ctx);
}
