/**
 * The referential versions the authority has published. Shipped versions are published on first start;
 * new versions come from the authority. Each publication is a transparency-log leaf, and compiled rules
 * are cached per version.
 */
import canonicalize from 'canonicalize';
import { type CompiledReferential, compileReferential, ReferentialError } from '../referential/compile.js';
import {
  compareVersions,
  listReferentials,
  loadReferentialFile,
  parseReferential,
} from '../referential/load.js';
import type { ReferentialDocument } from '../referential/types.js';
import { lockLogHead } from '../store/log-repository.js';
import { recordAudit } from './audit.js';
import type { Context } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { sha256 } from './evidence-storage.js';
import { appendToLog } from './log.js';

export class ReferentialCatalogue {
  #compiled = new Map<string, CompiledReferential>();
  #latest = new Map<string, string>();

  /** Loads what the database holds (call at start and after another process publishes). */
  async refresh(ctx: Pick<Context, 'store'>): Promise<void> {
    const rows = await ctx.store.db
      .selectFrom('referentials')
      .select(['id', 'version', 'document'])
      .execute();
    for (const row of rows) {
      const key = `${row.id}@${row.version}`;
      if (!this.#compiled.has(key)) {
        this.#compiled.set(key, compileReferential(JSON.parse(row.document) as ReferentialDocument));
      }
      const latest = this.#latest.get(row.id);
      if (!latest || compareVersions(row.version, latest) > 0) this.#latest.set(row.id, row.version);
    }
  }

  get(id: string, version: string): CompiledReferential {
    const compiled = this.#compiled.get(`${id}@${version}`);
    if (!compiled) throw notFound(`referential ${id}@${version}`);
    return compiled;
  }

  latest(id: string): CompiledReferential {
    const version = this.#latest.get(id);
    if (!version) throw notFound(`referential ${id}`);
    return this.get(id, version);
  }

  list(): Array<{ id: string; version: string; latest: boolean }> {
    return [...this.#compiled.values()]
      .map((c) => ({ id: c.document.id, version: c.document.version }))
      .sort((a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version))
      .map((r) => ({ ...r, latest: this.#latest.get(r.id) === r.version }));
  }

  /** Publishes every shipped referential version the database does not have yet. */
  async publishShipped(ctx: Context, actor = 'system'): Promise<string[]> {
    const published: string[] = [];
    for (const ref of listReferentials()) {
      const exists = await ctx.store.db
        .selectFrom('referentials')
        .select('id')
        .where('id', '=', ref.id)
        .where('version', '=', ref.version)
        .executeTakeFirst();
      if (exists) continue;
      if (await this.#publish(ctx, loadReferentialFile(ref.path), actor))
        published.push(`${ref.id}@${ref.version}`);
    }
    await this.refresh(ctx);
    return published;
  }

  /** Publishes a new version from YAML or JSON text; it must be newer than the latest of its id. */
  async publish(ctx: Context, text: string, actor: string): Promise<CompiledReferential> {
    let compiled: CompiledReferential;
    try {
      compiled = parseReferential(text);
    } catch (err) {
      if (err instanceof ReferentialError) throw invalid(err.message, err.issues);
      throw err;
    }
    await this.refresh(ctx);
    const { id, version } = compiled.document;
    const latest = this.#latest.get(id);
    if (latest && compareVersions(version, latest) <= 0) {
      throw conflict(`referential ${id}@${version} is not newer than the published ${latest}`);
    }
    if (!(await this.#publish(ctx, compiled, actor)))
      throw conflict(`referential ${id}@${version} is already published`);
    await this.refresh(ctx);
    return this.get(id, version);
  }

  /**
   * Publishes unless another process published the same version first: servers starting together on a
   * fresh database all try to publish the shipped versions. The log lock serialises them; the check under
   * it lets exactly one win. Returns whether this call published.
   */
  async #publish(ctx: Context, compiled: CompiledReferential, actor: string): Promise<boolean> {
    const doc = compiled.document;
    const canonical = canonicalize(doc)!;
    const digest = sha256(canonical);
    const now = ctx.clock();
    return ctx.store.db.transaction().execute(async (trx) => {
      await lockLogHead(trx, ctx.store.dialect);
      const exists = await trx
        .selectFrom('referentials')
        .select('id')
        .where('id', '=', doc.id)
        .where('version', '=', doc.version)
        .executeTakeFirst();
      if (exists) return false;
      const [leaf] = await appendToLog(trx, ctx, [
        {
          v: 1,
          type: 'referential.published',
          at: now.toISOString(),
          subject: `${doc.id}@${doc.version}`,
          digest,
        },
      ]);
      await trx
        .insertInto('referentials')
        .values({
          id: doc.id,
          version: doc.version,
          document: canonical,
          digest,
          published_at: now.toISOString(),
          published_by: actor,
          log_index: leaf!.index,
        })
        .execute();
      await recordAudit(trx, now, {
        actor,
        action: 'referential.published',
        subjectType: 'referential',
        subjectId: `${doc.id}@${doc.version}`,
        after: { digest, logIndex: leaf!.index },
      });
      return true;
    });
  }
}
