/**
 * The region catalogue: cloud providers' region codes mapped to countries and cities, as data in
 * regions/<provider>.yaml (one file per provider, sources cited in each). Pure: files are read once by
 * `loadRegionCatalogue`, the rest works on the parsed documents, so the offline scanner carries it along.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ajvIssues, compileSchema, readSchema } from '../util/schema.js';
import { type Issue, parseYamlSource, SourceError } from '../util/source.js';

export const DEFAULT_REGIONS_DIR = fileURLToPath(new URL('../../regions/', import.meta.url));

/** The member states of the European Union, which a multi-region's `EU` stands for. */
export const EU_MEMBER_STATES: readonly string[] = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]; // biome-ignore format: one line per row reads better than 27

export interface CatalogueRegion {
  code: string;
  /** Every country the region may keep data in; one for an ordinary region. */
  countries: string[];
  city?: string;
  kind: 'region' | 'multi-region' | 'local-zone' | 'sovereign';
  /** Registry offers linked explicitly. */
  offers: string[];
}

export interface CatalogueProvider {
  id: string;
  name: string;
  operator: { name: string; country: string };
  licensedTechnology?: { vendor: string; country: string };
  note?: string;
  registryProviders: string[];
  terraform?: { providers: string[]; universeDomain?: string };
  kubernetes?: { provisioners?: string[]; topologyKeys?: string[] };
  zones: RegExp[];
  defaultRegion?: string;
  sources: Array<{ title: string; url: string; consulted?: string }>;
  regions: CatalogueRegion[];
}

export interface ResolvedRegion {
  provider: CatalogueProvider;
  region: CatalogueRegion;
  /** How the code was read: a region code, a zone of the region, or the provider's only region. */
  via: 'region' | 'zone' | 'default';
  /** What the input said (a zone name when `via` is zone). */
  input: string;
}

export type Resolution =
  | ({ status: 'resolved' } & ResolvedRegion)
  | { status: 'ambiguous'; matches: ResolvedRegion[] }
  | { status: 'unknown' };

export class CatalogueError extends Error {
  constructor(
    message: string,
    readonly issues: Array<Issue & { file?: string }>,
  ) {
    super(message);
    this.name = 'CatalogueError';
  }
}

const norm = (code: string) => code.trim().toLowerCase().replace(/\s+/g, '');

export class RegionCatalogue {
  readonly providers: readonly CatalogueProvider[];
  readonly #byId = new Map<string, CatalogueProvider>();
  readonly #regions = new Map<CatalogueProvider, Map<string, CatalogueRegion>>();

  constructor(providers: CatalogueProvider[]) {
    this.providers = providers;
    for (const p of providers) {
      this.#byId.set(p.id, p);
      this.#regions.set(p, new Map(p.regions.map((r) => [norm(r.code), r])));
    }
  }

  provider(id: string): CatalogueProvider | undefined {
    return this.#byId.get(id);
  }

  /**
   * Providers a Terraform provider type may stand for. A shared type (google serves Google Cloud and S3NS)
   * is narrowed by the provider block's universe_domain when the plan shows it.
   */
  forTerraform(type: string, universeDomain?: string): CatalogueProvider[] {
    const all = this.providers.filter((p) => p.terraform?.providers.includes(type));
    if (universeDomain === undefined) return all;
    const exact = all.filter((p) => p.terraform?.universeDomain === universeDomain);
    return exact.length > 0 ? exact : all.filter((p) => p.terraform?.universeDomain === undefined);
  }

  /** Providers a Kubernetes storage provisioner or CSI topology key belongs to. */
  forKubernetes(hint: { provisioner?: string; topologyKey?: string }): CatalogueProvider[] {
    return this.providers.filter(
      (p) =>
        (hint.provisioner !== undefined && p.kubernetes?.provisioners?.includes(hint.provisioner)) ||
        (hint.topologyKey !== undefined && p.kubernetes?.topologyKeys?.includes(hint.topologyKey)),
    );
  }

  /** A region or zone code among the candidates (all providers when none are given). */
  resolve(code: string, candidates: readonly CatalogueProvider[] = this.providers): Resolution {
    const input = code.trim();
    const wanted = norm(input);
    const matches: ResolvedRegion[] = [];
    for (const provider of candidates) {
      const regions = this.#regions.get(provider);
      if (!regions) continue;
      const region = regions.get(wanted);
      if (region) {
        matches.push({ provider, region, via: 'region', input });
        continue;
      }
      for (const pattern of provider.zones) {
        const group = pattern.exec(wanted)?.groups?.region;
        const zoneRegion = group === undefined ? undefined : regions.get(group);
        if (zoneRegion) {
          matches.push({ provider, region: zoneRegion, via: 'zone', input });
          break;
        }
      }
    }
    if (matches.length === 1) return { status: 'resolved', ...matches[0]! };
    return matches.length === 0 ? { status: 'unknown' } : { status: 'ambiguous', matches };
  }

  /** The only region of a single-region provider, for resources that name none. */
  defaultRegion(provider: CatalogueProvider): ResolvedRegion | undefined {
    if (provider.defaultRegion === undefined) return undefined;
    const region = this.#regions.get(provider)?.get(norm(provider.defaultRegion));
    return region ? { provider, region, via: 'default', input: provider.defaultRegion } : undefined;
  }

  /** Registry offers linked to a region: explicitly, or offered by its registry providers there. */
  linkedOffers(
    resolved: ResolvedRegion,
    offersIn: (providerIds: readonly string[], code: string) => string[],
  ): string[] {
    return [
      ...new Set([
        ...resolved.region.offers,
        ...offersIn(resolved.provider.registryProviders, resolved.region.code),
      ]),
    ];
  }
}

let validator: ReturnType<typeof compileSchema> | undefined;
const cache = new Map<string, RegionCatalogue>();

/** Every regions/*.yaml file, validated; cached per directory. Throws CatalogueError listing each problem. */
export function loadRegionCatalogue(dir = DEFAULT_REGIONS_DIR): RegionCatalogue {
  const cached = cache.get(dir);
  if (cached) return cached;
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const catalogue = buildCatalogue(files.map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })));
  cache.set(dir, catalogue);
  return catalogue;
}

/** Builds a catalogue from file contents (YAML or JSON), checking the schema and what it cannot say. */
export function buildCatalogue(files: Array<{ name: string; text: string }>): RegionCatalogue {
  validator ??= compileSchema(readSchema('region-catalogue.schema.json'));
  const issues: Array<Issue & { file?: string }> = [];
  const providers: CatalogueProvider[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    const problem = (path: string, message: string) => issues.push({ file: file.name, path, message });
    let value: unknown;
    try {
      value = parseYamlSource(file.text).value;
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      for (const i of err.issues) issues.push({ ...i, file: file.name });
      continue;
    }
    if (!validator(value)) {
      for (const i of ajvIssues(validator.errors)) issues.push({ ...i, file: file.name });
      continue;
    }
    const doc = value as RawProvider;
    if (ids.has(doc.id)) problem('$.id', `provider ${doc.id} is defined twice`);
    ids.add(doc.id);
    const zones: RegExp[] = [];
    (doc.zones ?? []).forEach((source, i) => {
      try {
        const re = new RegExp(source);
        if (!source.includes('(?<region>')) problem(`$.zones[${i}]`, 'needs a named group `region`');
        else zones.push(re);
      } catch (err) {
        problem(`$.zones[${i}]`, `not a regular expression: ${(err as Error).message}`);
      }
    });
    const codes = new Set<string>();
    const regions = doc.regions.map((r, i): CatalogueRegion => {
      if (codes.has(norm(r.code))) problem(`$.regions[${i}].code`, `region ${r.code} is listed twice`);
      codes.add(norm(r.code));
      if (r.country === 'EU') problem(`$.regions[${i}].country`, 'EU is not a country; use countries: [EU]');
      if ((r.country === undefined) === (r.countries === undefined))
        problem(`$.regions[${i}]`, 'needs either country or countries');
      const countries = r.countries
        ? [...new Set(r.countries.flatMap((c) => (c === 'EU' ? EU_MEMBER_STATES : [c])))].sort()
        : r.country !== undefined
          ? [r.country]
          : [];
      return {
        code: r.code,
        countries,
        ...(r.city ? { city: r.city } : {}),
        kind: r.kind ?? (countries.length > 1 ? 'multi-region' : 'region'),
        offers: r.offers ?? [],
      };
    });
    if (doc.defaultRegion !== undefined && !codes.has(norm(doc.defaultRegion)))
      problem('$.defaultRegion', `${doc.defaultRegion} is not one of the regions listed`);
    providers.push({
      id: doc.id,
      name: doc.name,
      operator: doc.operator,
      ...(doc.licensedTechnology ? { licensedTechnology: doc.licensedTechnology } : {}),
      ...(doc.note ? { note: doc.note } : {}),
      registryProviders: doc.registryProviders ?? [],
      ...(doc.terraform ? { terraform: doc.terraform } : {}),
      ...(doc.kubernetes ? { kubernetes: doc.kubernetes } : {}),
      zones,
      ...(doc.defaultRegion ? { defaultRegion: doc.defaultRegion } : {}),
      sources: doc.sources,
      regions,
    });
  }
  if (issues.length > 0) throw new CatalogueError('the region catalogue is invalid', issues);
  return new RegionCatalogue(providers);
}

interface RawProvider {
  id: string;
  name: string;
  operator: { name: string; country: string };
  licensedTechnology?: { vendor: string; country: string };
  note?: string;
  registryProviders?: string[];
  terraform?: { providers: string[]; universeDomain?: string };
  kubernetes?: { provisioners?: string[]; topologyKeys?: string[] };
  zones?: string[];
  defaultRegion?: string;
  sources: Array<{ title: string; url: string; consulted?: string }>;
  regions: Array<{
    code: string;
    country?: string;
    countries?: string[];
    city?: string;
    kind?: CatalogueRegion['kind'];
    offers?: string[];
  }>;
}
