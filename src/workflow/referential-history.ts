/**
 * The referential versions the authority has published, a side-by-side comparison of two of them, and
 * publishing a new one from the console (the same steps as `POST /v1/referentials`: publish, then
 * re-evaluate every active label against it).
 */

import { diffReferentials } from '../referential/diff.js';
import { compareVersions } from '../referential/load.js';
import type { Actor, Context } from './context.js';
import { invalid } from './errors.js';
import { authorize } from './policy.js';
import { reevaluateAll } from './reevaluation.js';

/** Every published version, grouped by referential, newest version first. */
export async function referentialVersions(ctx: Context, actor: Actor | null) {
  authorize(actor, 'read', 'authority');
  // Another process (the CLI, a second server) may have published since this one last looked.
  await ctx.referentials.refresh(ctx);
  const rows = await ctx.store.db
    .selectFrom('referentials')
    .leftJoin('users', 'users.id', 'referentials.published_by')
    .select([
      'referentials.id',
      'referentials.version',
      'referentials.digest',
      'referentials.published_at',
      'referentials.published_by',
      'referentials.log_index',
      'users.display_name',
    ])
    .execute();
  const latest = new Set(
    ctx.referentials
      .list()
      .filter((r) => r.latest)
      .map((r) => `${r.id}@${r.version}`),
  );
  return rows
    .map((r) => {
      const doc = ctx.referentials.get(r.id, r.version).document;
      return {
        id: r.id,
        version: r.version,
        title: doc.title,
        kind: doc.kind ?? 'label',
        criteria: doc.criteria.length,
        levels: doc.levels.length,
        digest: r.digest,
        publishedAt: r.published_at,
        publishedBy: r.display_name ?? r.published_by,
        logIndex: Number(r.log_index),
        latest: latest.has(`${r.id}@${r.version}`),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id) || compareVersions(b.version, a.version));
}

/**
 * The differences from version `from` to version `to` of referential `id`. Unknown names are bad input
 * naming the field (`referential`, `from`, `to`), so a form can show the error next to it.
 */
export async function compareReferentialVersions(
  ctx: Context,
  actor: Actor | null,
  input: { id: string; from: string; to: string },
) {
  authorize(actor, 'read', 'authority');
  await ctx.referentials.refresh(ctx);
  const known = ctx.referentials.list().filter((r) => r.id === input.id);
  const versions = known.map((r) => r.version);
  const details: Array<{ path: string; message: string }> = [];
  if (known.length === 0) details.push({ path: 'referential', message: `no referential ${input.id}` });
  else {
    if (!versions.includes(input.from))
      details.push({ path: 'from', message: `one of: ${versions.join(', ')}` });
    if (!versions.includes(input.to)) details.push({ path: 'to', message: `one of: ${versions.join(', ')}` });
  }
  if (details.length > 0) throw invalid('unknown referential version', details);
  const from = ctx.referentials.get(input.id, input.from).document;
  const to = ctx.referentials.get(input.id, input.to).document;
  return { from, to, diff: diffReferentials(from, to) };
}

/** Publishes a new version (YAML or JSON text) and re-evaluates the labels in force against it. */
export async function publishReferentialVersion(ctx: Context, actor: Actor | null, text: string) {
  const a = authorize(actor, 'write', 'authority');
  if (!text.trim()) throw invalid('empty referential', [{ path: 'document', message: 'must not be empty' }]);
  const compiled = await ctx.referentials.publish(ctx, text, a.userId);
  const outcomes = await reevaluateAll(ctx, a.userId);
  return {
    id: compiled.document.id,
    version: compiled.document.version,
    reevaluated: outcomes.length,
    flagged: outcomes.filter((o) => !o.meets).map((o) => o.labelId),
  };
}
