/**
 * What a placement question points at: an offer (with or without one of its regions), a cloud provider's
 * region or zone (resolved through the catalogue), or nothing (list the eligible offers). Shared by the API
 * and the offline `confiance place`, so both read a question the same way.
 */
import type { PlacementEngine } from '../placement/engine.js';
import type { PlacementLocation, PlacementTarget } from '../placement/types.js';
import type { CatalogueProvider, RegionCatalogue } from './catalogue.js';
import { locate } from './locate.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export interface PlacementQuestion {
  offer?: string;
  region?: string;
  provider?: string;
  limit?: number;
}

export class QuestionError extends Error {
  constructor(
    message: string,
    readonly details: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'QuestionError';
  }
}

/** Catalogue providers a `provider` names: a catalogue id (aws) or a Terraform provider type (azurerm). */
export function providersNamed(catalogue: RegionCatalogue, name: string): CatalogueProvider[] {
  const byId = catalogue.provider(name);
  return byId ? [byId] : catalogue.forTerraform(name);
}

export function placementTarget(
  catalogue: RegionCatalogue,
  engine: Pick<PlacementEngine, 'offersIn' | 'offer'>,
  q: PlacementQuestion,
): { target: PlacementTarget; location?: PlacementLocation } {
  if (q.provider === undefined && q.offer !== undefined)
    return {
      target: { kind: 'offer', offerId: q.offer, ...(q.region !== undefined ? { region: q.region } : {}) },
    };
  if (q.provider === undefined && q.region === undefined)
    return { target: { kind: 'any', limit: Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT) } };
  const candidates = q.provider === undefined ? catalogue.providers : providersNamed(catalogue, q.provider);
  if (candidates.length === 0) {
    throw new QuestionError(`unknown cloud provider "${q.provider}"`, [
      { path: '$.provider', message: `one of: ${catalogue.providers.map((p) => p.id).join(', ')}` },
    ]);
  }
  const where = locate(catalogue, engine, candidates, q.region);
  if (where.status === 'ambiguous') {
    throw new QuestionError(`region "${q.region}" exists at several providers`, [
      { path: '$.provider', message: `name one of: ${where.providers.join(', ')}` },
    ]);
  }
  if (where.status === 'unknown') {
    throw new QuestionError(
      q.region === undefined ? 'a region is required with this provider' : `unknown region "${q.region}"`,
      [
        {
          path: '$.region',
          message: `a region or zone code of ${candidates.map((p) => p.id).join(' or ')} (see GET /v1/regions)`,
        },
      ],
    );
  }
  const offerIds = q.offer === undefined ? where.offerIds : where.offerIds.filter((id) => id === q.offer);
  return { target: { kind: 'location', location: where.location, offerIds }, location: where.location };
}
