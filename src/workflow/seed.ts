/**
 * Sample data for a newcomer: the example declarations go through the real workflow (declaration,
 * application, review, decision) so the registry starts populated with genuine, verifiable labels.
 * The seed accounts have no password: nobody can log in as them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateDeclaration } from '../declaration/validate.js';
import { evaluate } from '../evaluation/evaluate.js';
import { actorFor, createOrganisation, createUser } from './accounts.js';
import {
  assignAssessor,
  completeReview,
  DEFAULT_REFERENTIAL,
  decide,
  recordVerdicts,
  submitApplication,
} from './applications.js';
import type { Context } from './context.js';
import { saveDeclaration } from './declarations.js';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export async function isEmpty(ctx: Context): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('offers').select('id').limit(1).executeTakeFirst();
  return !row;
}

/** The demonstration authority or assessing body, with one user who has no password (cannot sign in). */
async function seedAccount(ctx: Context, kind: 'authority' | 'assessor', name: string, displayName: string) {
  const organisation = await createOrganisation(ctx, 'seed', { name, kind, country: 'FR' });
  const user = await createUser(ctx, 'seed', {
    organisationId: organisation.id,
    email: `seed-${kind}@confiance.invalid`,
    displayName,
  });
  return actorFor(user, 'password');
}

export async function seedExamples(
  ctx: Context,
  dir = EXAMPLES_DIR,
  onProgress?: (done: number, total: number) => void,
) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const authority = await seedAccount(
    ctx,
    'authority',
    'Autorité du label (données de démonstration)',
    'Seed authority',
  );
  const assessor = await seedAccount(ctx, 'assessor', 'Centre d’évaluation (démonstration)', 'Seed assessor');
  const providers = new Map<string, ReturnType<typeof actorFor>>();
  const today = ctx.clock().toISOString().slice(0, 10);
  const seeded: Array<{ file: string; offer: string; level: string | null }> = [];
  // Offers others run on come first, so a SaaS's `runsOn` points at an offer that exists.
  const declarations = files
    .map((file) => ({ file, result: validateDeclaration(JSON.parse(readFileSync(join(dir, file), 'utf8'))) }))
    .filter((d) => d.result.ok)
    .map((d) => ({
      file: d.file,
      declaration: (d.result as { ok: true; declaration: import('../declaration/types.js').Declaration })
        .declaration,
    }))
    .sort((a, b) => (a.declaration.offer.runsOn?.length ?? 0) - (b.declaration.offer.runsOn?.length ?? 0));
  let done = 0;
  for (const { file, declaration } of declarations) {
    let provider = providers.get(declaration.provider.id);
    if (!provider) {
      const org = await createOrganisation(ctx, 'seed', {
        name: declaration.provider.name,
        kind: 'provider',
        ...(declaration.provider.registeredOffice ? { country: declaration.provider.registeredOffice } : {}),
        ...(declaration.provider.registrationNumber
          ? { registration: declaration.provider.registrationNumber }
          : {}),
      });
      const user = await createUser(ctx, 'seed', {
        organisationId: org.id,
        email: `seed-${declaration.provider.id}@confiance.invalid`,
        displayName: declaration.provider.name,
      });
      provider = actorFor(user, 'password');
      providers.set(declaration.provider.id, provider);
    }
    await saveDeclaration(ctx, provider, declaration);
    const referential = ctx.referentials.latest(DEFAULT_REFERENTIAL);
    const dataClass = declaration.offer.healthDataHosting ? 'health' : undefined;
    const preview = evaluate(referential, declaration, {
      date: today,
      lang: 'fr',
      ...(dataClass ? { dataClass } : {}),
    });
    const level = preview.levelSubjectToReview;
    if (level) {
      const app = await submitApplication(ctx, provider, {
        offerId: declaration.offer.id,
        targetLevel: level,
        ...(dataClass ? { dataClass } : {}),
      });
      await assignAssessor(ctx, authority, app.id, assessor.userId);
      const reviews = preview.criteria.filter((c) => c.status === 'manual-review');
      if (reviews.length > 0) {
        await recordVerdicts(
          ctx,
          assessor,
          app.id,
          reviews.map((c) => ({
            criterionId: c.id,
            status: 'pass' as const,
            comment: 'Sample data: accepted for the demonstration registry.',
          })),
        );
      }
      await completeReview(ctx, assessor, app.id);
      await decide(ctx, authority, app.id, {
        outcome: 'grant',
        level,
        reasons: 'Sample data for the demonstration registry.',
      });
    }
    seeded.push({ file, offer: declaration.offer.id, level });
    onProgress?.(++done, declarations.length);
  }
  return seeded;
}
