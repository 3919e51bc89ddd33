/**
 * From "provider P, region or zone R" to a placement location and the registry offers linked to it. The
 * catalogue answers first; a provider that publishes no region codes (Bleu) is located through the regions
 * its labels name in the registry, since a label certifies the country of each region it covers.
 */
import { normaliseRegionCode, type PlacementEngine } from '../placement/engine.js';
import type { PlacementLocation } from '../placement/types.js';
import type { CatalogueProvider, RegionCatalogue } from './catalogue.js';

export type Located =
  | {
      status: 'resolved';
      location: PlacementLocation;
      offerIds: string[];
      provider: CatalogueProvider;
      via: 'region' | 'zone' | 'default' | 'registry';
    }
  | { status: 'ambiguous'; providers: string[] }
  | { status: 'unknown'; reason: 'no-provider' | 'no-region' };

export function locate(
  catalogue: RegionCatalogue,
  engine: Pick<PlacementEngine, 'offersIn' | 'offer'>,
  candidates: readonly CatalogueProvider[],
  code: string | undefined,
): Located {
  if (candidates.length === 0) return { status: 'unknown', reason: 'no-provider' };
  const offersIn = (ids: readonly string[], c: string) => engine.offersIn(ids, c);
  if (code === undefined) {
    // A resource that names no region is placed in its provider's only region, if it has just one.
    const defaults = candidates.flatMap((p) => catalogue.defaultRegion(p) ?? []);
    if (defaults.length !== 1 || candidates.length !== 1) return { status: 'unknown', reason: 'no-region' };
    const d = defaults[0]!;
    return {
      status: 'resolved',
      location: toLocation(d.provider.id, d.region.code, d.region.countries, d.region.city),
      offerIds: catalogue.linkedOffers(d, offersIn),
      provider: d.provider,
      via: 'default',
    };
  }
  const found = catalogue.resolve(code, candidates);
  if (found.status === 'resolved') {
    return {
      status: 'resolved',
      location: toLocation(found.provider.id, found.region.code, found.region.countries, found.region.city),
      offerIds: catalogue.linkedOffers(found, offersIn),
      provider: found.provider,
      via: found.via,
    };
  }
  if (found.status === 'ambiguous')
    return { status: 'ambiguous', providers: found.matches.map((m) => m.provider.id) };
  for (const provider of candidates) {
    const offerIds = engine.offersIn(provider.registryProviders, code);
    const first = offerIds.map((id) => engine.offer(id)).find((o) => o !== undefined);
    const region = first?.regions.find((r) => normaliseRegionCode(r.code) === normaliseRegionCode(code));
    if (region) {
      return {
        status: 'resolved',
        location: toLocation(provider.id, region.code, [region.country], region.city),
        offerIds,
        provider,
        via: 'registry',
      };
    }
  }
  return { status: 'unknown', reason: 'no-region' };
}

function toLocation(provider: string, code: string, countries: string[], city?: string): PlacementLocation {
  return { provider, code, countries, ...(city ? { city } : {}) };
}
