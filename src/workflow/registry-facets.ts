/**
 * Names behind the registry's facet values, for pages that show facets to people: the search index
 * counts providers by id, a reader needs their names.
 */
import type { Context } from './context.js';

/** Provider id → the provider's name as its newest registry entry states it. */
export async function providerNames(ctx: Context, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.store.db
    .selectFrom('registry_offers')
    .select(['provider_id', 'provider_name', 'updated_at'])
    .where('provider_id', 'in', [...ids])
    .orderBy('updated_at')
    .execute();
  // Ascending dates: the newest name of each provider is set last.
  return new Map(rows.map((r) => [r.provider_id, r.provider_name]));
}
