/**
 * Reads a Terraform plan (`terraform show -json`, format 0.x and 1.x) into the resources it would place and
 * where: a resource's own region/location/zone attributes first; otherwise its provider block's region,
 * found through the configuration (provider_config keys, aliases, modules inheriting their parent's
 * provider, values coming from variables, including variables passed down to modules). A value Terraform
 * will only know after apply is reported as such, never guessed.
 */
import { parseJsonSource, SourceError } from '../util/source.js';
import { jsonPointer, locateJsonPointers } from './json-lines.js';
import type { DataClassClaim, LocationClaim, Subject, UnknownLocation } from './types.js';

export class ScanInputError extends Error {
  constructor(
    message: string,
    readonly details: Array<{ path: string; message: string; line?: number; column?: number }>,
  ) {
    super(message);
    this.name = 'ScanInputError';
  }
}

/** Terraform's JSON output promises compatibility within a major version; this reader knows 0 and 1. */
export const SUPPORTED_FORMAT_VERSION = /^[01]\.\d+$/;

/** Providers that place no data anywhere: their resources are reported as skipped. */
export const LOGICAL_PROVIDERS: ReadonlySet<string> = new Set([
  'terraform',
  'random',
  'null',
  'local',
  'time',
  'tls',
  'template',
  'external',
  'archive',
  'http',
  'cloudinit',
]);

/** Resource attributes that say where a resource is, most specific last. */
const REGION_ATTRIBUTES = ['region', 'location'] as const;
const ZONE_ATTRIBUTES = ['zone', 'availability_zone', 'subregion_name', 'placement_subregion_name'] as const;
const ZONE_LIST_ATTRIBUTES = ['availability_zones'] as const;
const TAG_FIELDS = ['tags_all', 'tags', 'labels', 'effective_labels', 'terraform_labels'] as const;

// biome-ignore lint/suspicious/noExplicitAny: plan JSON is read defensively, field by field.
type Json = any;

export interface TerraformOptions {
  file: string;
  classKey: string;
}

interface ConfigModule {
  /** Configuration resources by address (`aws_s3_bucket.x`, `data.aws_ami.y`). */
  resources: Map<string, Json>;
  calls: Record<string, Json>;
}

interface ProviderRegion {
  resolved?: Resolved;
  kind: 'region' | 'zone';
  universeDomain?: string;
}

type Resolved =
  | { known: true; value: string; via: string }
  | { known: false; reason: UnknownLocation; detail: string };

export function readTerraformPlan(text: string, options: TerraformOptions): Subject[] {
  let plan: Json;
  try {
    plan = JSON.parse(text);
  } catch {
    // Parsed again only to say where it broke (the caller has already bounded the size).
    try {
      parseJsonSource(text, Number.POSITIVE_INFINITY);
    } catch (err) {
      if (err instanceof SourceError) throw new ScanInputError(`${options.file}: malformed JSON`, err.issues);
      throw err;
    }
    throw new ScanInputError(`${options.file}: malformed JSON`, [{ path: '$', message: 'not JSON' }]);
  }
  if (!plan || typeof plan !== 'object' || Array.isArray(plan))
    throw new ScanInputError(`${options.file}: not a Terraform plan`, [
      { path: '$', message: 'expected a JSON object' },
    ]);
  const version = plan.format_version;
  if (typeof version !== 'string' || !SUPPORTED_FORMAT_VERSION.test(version)) {
    const at = locateJsonPointers(text, ['/format_version']).get('/format_version');
    throw new ScanInputError(
      `${options.file}: unsupported format_version ${JSON.stringify(version ?? null)}`,
      [
        {
          path: '$.format_version',
          message: 'this scanner reads `terraform show -json` plans of format 0.x and 1.x',
          ...(at ? { line: at.line, column: at.column } : {}),
        },
      ],
    );
  }
  if (!plan.planned_values && !plan.resource_changes)
    throw new ScanInputError(`${options.file}: not a Terraform plan`, [
      {
        path: '$',
        message:
          'no planned_values or resource_changes (is this a state file? use `terraform show -json <plan>`)',
      },
    ]);
  return new PlanReader(plan, text, options).read();
}

class PlanReader {
  readonly #modules = new Map<string, ConfigModule>();
  readonly #providers: Record<string, Json>;
  readonly #changes = new Map<string, { change: Json; index: number }>();
  /** Planned resources by address, built on first need (Azure resource groups, attribute references). */
  #plannedIndex: Map<string, Json> | undefined;
  readonly #pointers: string[] = [];
  readonly #chains = new Map<string, ProviderRegion>();

  constructor(
    readonly plan: Json,
    readonly text: string,
    readonly options: TerraformOptions,
  ) {
    this.#providers = obj(plan.configuration?.provider_config);
    this.#indexModules('', plan.configuration?.root_module);
    arr(plan.resource_changes).forEach((rc: Json, index: number) => {
      if (typeof rc?.address === 'string') this.#changes.set(rc.address, { change: rc, index });
    });
  }

  read(): Subject[] {
    const subjects: Subject[] = [];
    const seen = new Set<string>();
    const emit = (module: Json, pointer: string) => {
      const resources = arr(module?.resources);
      for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        if (typeof r?.address !== 'string' || seen.has(r.address)) continue;
        seen.add(r.address);
        const s = this.#subject(r, r.values, this.#changes.get(r.address)?.change);
        if (s) {
          subjects.push(s);
          this.#pointers.push(`${pointer}/resources/${i}`);
        }
      }
      const children = arr(module?.child_modules);
      for (let i = 0; i < children.length; i++) emit(children[i], `${pointer}/child_modules/${i}`);
    };
    emit(this.plan.planned_values?.root_module, '/planned_values/root_module');
    // Resources a plan lists only as changes (older formats, or no planned_values at all).
    for (const [address, { change, index }] of this.#changes) {
      const actions: string[] = arr(change.change?.actions);
      if (seen.has(address) || (actions.length === 1 && actions[0] === 'delete')) continue;
      seen.add(address);
      const s = this.#subject(change, change.change?.after ?? {}, change);
      if (s) {
        subjects.push(s);
        this.#pointers.push(jsonPointer(['resource_changes', index]));
      }
    }
    const positions = locateJsonPointers(this.text, this.#pointers);
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[i]!;
      const at = positions.get(this.#pointers[i]!);
      if (at) {
        s.line = at.line;
        s.column = at.column;
      }
    }
    return subjects;
  }

  #planned(): Map<string, Json> {
    if (!this.#plannedIndex) {
      const index = new Map<string, Json>();
      const walk = (module: Json) => {
        for (const r of arr(module?.resources)) if (typeof r?.address === 'string') index.set(r.address, r);
        for (const m of arr(module?.child_modules)) walk(m);
      };
      walk(this.plan.planned_values?.root_module);
      this.#plannedIndex = index;
    }
    return this.#plannedIndex;
  }

  #indexModules(path: string, module: Json) {
    if (!module) return;
    const resources = new Map<string, Json>();
    for (const r of arr(module.resources)) if (typeof r?.address === 'string') resources.set(r.address, r);
    this.#modules.set(path, { resources, calls: obj(module.module_calls) });
    for (const [name, call] of Object.entries(obj(module.module_calls)))
      this.#indexModules(path ? `${path}.module.${name}` : `module.${name}`, (call as Json)?.module);
  }

  #subject(resource: Json, values: Json, change: Json | undefined): Subject | undefined {
    const address: string = resource.address;
    const mode =
      resource.mode ?? (address.startsWith('data.') || address.includes('.data.') ? 'data' : 'managed');
    const type: string = resource.type ?? '';
    const providerType = providerTypeOf(resource.provider_name, type);
    const base: Subject = {
      file: this.options.file,
      format: 'terraform',
      id: address,
      type,
      providers: { terraform: { type: providerType } },
      locations: [],
    };
    if (mode === 'data') return { ...base, skip: { reason: 'data-source', detail: type } };
    if (LOGICAL_PROVIDERS.has(providerType))
      return { ...base, skip: { reason: 'logical-provider', detail: providerType } };
    const afterUnknown: Json = change?.change?.after_unknown ?? {};
    const modulePath = modulePathOf(address);
    const config = this.#configResource(modulePath, type, resource.name, mode);
    base.dataClass = this.#dataClass(values ?? {}, afterUnknown);
    if (!base.dataClass) delete base.dataClass;

    // The resource's own attributes come first: they override the provider's region. An attribute Terraform
    // computes (unknown until apply) but the configuration does not set is the provider's default: the
    // provider's region then says where it goes. A zone is always inside its region, so an unknown zone
    // only matters when nothing else tells the region.
    const claims: LocationClaim[] = [];
    let unknown: Subject['unknown'];
    for (const name of REGION_ATTRIBUTES) {
      if (afterUnknown?.[name] !== true) addClaim(claims, values?.[name], 'region', name);
      else if (config === undefined || config.expressions?.[name] !== undefined) {
        const via = this.#expression(config?.expressions?.[name], modulePath, name);
        if (via.known) addClaim(claims, via.value, 'region', `${name} (${via.via})`);
        else unknown ??= { reason: via.reason, detail: via.detail };
      }
    }
    for (const name of ZONE_ATTRIBUTES) {
      if (afterUnknown?.[name] !== true) addClaim(claims, values?.[name], 'zone', name);
      else if (config?.expressions?.[name] !== undefined) {
        const via = this.#expression(config.expressions[name], modulePath, name);
        if (via.known) addClaim(claims, via.value, 'zone', `${name} (${via.via})`);
      }
    }
    for (const name of ZONE_LIST_ATTRIBUTES)
      for (const z of arr(values?.[name])) addClaim(claims, z, 'zone', name);
    // Azure zones ("1") only number the zones of the resource's location.
    const located = claims.filter((c) => !/^\d+$/.test(c.code));
    if (located.length > 0) claims.splice(0, claims.length, ...located);
    if (claims.length === 0 && !unknown && providerType === 'azurerm') {
      // Azure resources without a location of their own live in their resource group's; the azurerm
      // provider block has no region to fall back on.
      const group = this.#resourceGroupLocation(
        values?.resource_group_name,
        afterUnknown?.resource_group_name === true,
      );
      if (group.known) addClaim(claims, group.value, 'region', group.via);
      else unknown = { reason: group.reason, detail: group.detail };
    }
    // Thousands of resources share a handful of provider blocks: each chain is resolved once.
    const chainKey = `${config?.provider_config_key}\0${modulePath}\0${providerType}`;
    let fromProvider = this.#chains.get(chainKey);
    if (!fromProvider) {
      fromProvider = this.#providerRegion(config?.provider_config_key, modulePath, providerType);
      this.#chains.set(chainKey, fromProvider);
    }
    if (fromProvider.universeDomain) base.providers.terraform!.universeDomain = fromProvider.universeDomain;
    if (claims.length === 0 && !unknown) {
      if (fromProvider.resolved?.known)
        addClaim(claims, fromProvider.resolved.value, fromProvider.kind, fromProvider.resolved.via);
      else if (fromProvider.resolved)
        unknown = { reason: fromProvider.resolved.reason, detail: fromProvider.resolved.detail };
      else
        unknown = {
          reason: 'no-region',
          detail: `no region on the resource nor on its ${providerType} provider block`,
        };
    }
    base.locations = dedupe(claims);
    if (unknown) base.unknown = unknown;
    return base;
  }

  #configResource(
    modulePath: string,
    type: string,
    name: string | undefined,
    mode: string,
  ): Json | undefined {
    const module = this.#modules.get(modulePath);
    if (!module) return undefined;
    return module.resources.get(`${mode === 'data' ? 'data.' : ''}${type}.${name}`);
  }

  #dataClass(values: Json, afterUnknown: Json): DataClassClaim | undefined {
    const key = this.options.classKey;
    let unknownUntilApply = false;
    for (const field of TAG_FIELDS) {
      const found = tagValue(values?.[field], key);
      if (found !== undefined) return { value: found, from: 'tag' };
      const u = afterUnknown?.[field];
      // Derived maps (tags_all, effective_labels) are often wholly unknown in a plan; only the key itself, or
      // the map the configuration writes, being unknown leaves the class unknown.
      const whole = u === true && (field === 'tags' || field === 'labels');
      if (whole || (u && typeof u === 'object' && (u[key] === true || u[key.toLowerCase()] === true)))
        unknownUntilApply = true;
    }
    return unknownUntilApply ? { from: 'tag', unknownUntilApply: true } : undefined;
  }

  /**
   * The region of the provider block a resource uses: its provider_config_key, or the same provider in
   * the enclosing modules up to the root (a module without its own block inherits its parent's).
   */
  #providerRegion(key: string | undefined, modulePath: string, providerType: string): ProviderRegion {
    const local = key ? key.slice(key.indexOf(':') + 1) : providerType;
    const alias = local.includes('.') ? local.slice(local.indexOf('.') + 1) : undefined;
    const chain: string[] = [];
    if (key) chain.push(key);
    for (let m = modulePath; m !== ''; m = parentModule(m)) chain.push(`${m}:${local}`);
    chain.push(local);
    for (const k of chain) {
      const block = this.#providers[k];
      if (!block) continue;
      const scope = typeof block.module_address === 'string' ? block.module_address : moduleOfKey(k);
      const expressions = obj(block.expressions);
      const universe = this.#expression(expressions.universe_domain, scope, 'universe_domain');
      const universeDomain = universe.known ? universe.value : undefined;
      for (const [field, kind] of [
        ['region', 'region'],
        ['location', 'region'],
        ['zone', 'zone'],
      ] as const) {
        if (expressions[field] === undefined) continue;
        const r = this.#expression(expressions[field], scope, `provider ${k}`);
        return { resolved: r, kind, ...(universeDomain ? { universeDomain } : {}) };
      }
      // An aliased block passed into a module shows no region of its own; only the root's may be read.
      if (alias && scope !== '')
        return {
          resolved: {
            known: false,
            reason: 'unresolved-expression',
            detail: `provider ${k} is passed in by the calling module; the plan does not say which`,
          },
          kind: 'region',
        };
      if (scope === '')
        return {
          resolved: {
            known: false,
            reason: 'region-from-environment',
            detail: `provider ${k} sets no region: it comes from the environment at apply time`,
          },
          kind: 'region',
          ...(universeDomain ? { universeDomain } : {}),
        };
    }
    return { kind: 'region' };
  }

  /** A configuration expression's value: a constant, or a variable (followed up through module calls). */
  #expression(expr: Json, scope: string, what: string): Resolved {
    if (!expr || typeof expr !== 'object')
      return { known: false, reason: 'known-after-apply', detail: `${what} is known only after apply` };
    if (typeof expr.constant_value === 'string')
      return { known: true, value: expr.constant_value, via: what };
    const refs: string[] = arr(expr.references).filter((r: unknown) => typeof r === 'string');
    const variable = refs.find((r) => r.startsWith('var.'));
    if (variable) {
      const name = variable.slice(4).split('.')[0]!;
      if (scope === '') {
        const value = this.plan.variables?.[name]?.value;
        if (typeof value === 'string') return { known: true, value, via: `${what}, var.${name}` };
        return {
          known: false,
          reason: 'unresolved-expression',
          detail: `${what}: var.${name} has no value in the plan`,
        };
      }
      const parent = parentModule(scope);
      const call = this.#modules.get(parent)?.calls[scope.slice(scope.lastIndexOf('.') + 1)];
      const passed = call?.expressions?.[name];
      if (passed) {
        const r = this.#expression(passed, parent, `${what}, var.${name}`);
        return r;
      }
      return {
        known: false,
        reason: 'unresolved-expression',
        detail: `${what}: var.${name} of ${scope} is not set by its caller`,
      };
    }
    const attr = refs.find(
      (r) => /^[a-z][\w-]*\.[\w-]+\.[\w-]+$/.test(r) && !r.startsWith('local.') && !r.startsWith('module.'),
    );
    if (attr) {
      const [type, name, field] = attr.split('.') as [string, string, string];
      const prefix = scope ? `${scope}.` : '';
      const target =
        this.#planned().get(`${prefix}${type}.${name}`) ?? this.#planned().get(`${prefix}${type}.${name}[0]`);
      const value = target?.values?.[field];
      if (typeof value === 'string') return { known: true, value, via: `${what} = ${attr}` };
    }
    const shown = refs[0] ?? 'an expression';
    return {
      known: false,
      reason: 'known-after-apply',
      detail: `${what} comes from ${shown}, known only after apply`,
    };
  }

  #resourceGroupLocation(name: unknown, unknown: boolean): Resolved {
    if (unknown)
      return {
        known: false,
        reason: 'known-after-apply',
        detail: 'resource_group_name is known only after apply',
      };
    if (typeof name !== 'string')
      return {
        known: false,
        reason: 'no-region',
        detail: 'no location and no resource group: where it lives is not in the plan',
      };
    for (const r of this.#planned().values()) {
      if (
        r?.type === 'azurerm_resource_group' &&
        r.values?.name === name &&
        typeof r.values?.location === 'string'
      )
        return { known: true, value: r.values.location, via: `resource group ${name}` };
    }
    return {
      known: false,
      reason: 'unresolved-expression',
      detail: `resource group ${name} is not created by this plan: its location is not in it`,
    };
  }
}

function addClaim(claims: LocationClaim[], code: unknown, kind: 'region' | 'zone', from: string): void {
  if (typeof code === 'string' && code.trim() !== '') claims.push({ code: lastSegment(code), kind, from });
}

function obj(v: unknown): Record<string, Json> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
}

/** `registry.terraform.io/hashicorp/aws`, `provider["…/aws"]`, `aws` or `aws.east` → `aws`. */
export function providerTypeOf(providerName: unknown, resourceType: string): string {
  if (typeof providerName === 'string' && providerName) {
    const cleaned = providerName.replace(/^provider\[?"?/, '').replace(/"?\]?$/, '');
    const last = cleaned.slice(cleaned.lastIndexOf('/') + 1);
    return last.split('.')[0]!;
  }
  return resourceType.split('_')[0] ?? resourceType;
}

/** `module.a["x"].module.b[0].aws_s3_bucket.c[1]` → `module.a.module.b`. */
export function modulePathOf(address: string): string {
  const parts: string[] = [];
  let rest = address;
  for (;;) {
    const m = /^module\.([A-Za-z0-9_-]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\./.exec(rest);
    if (!m) break;
    parts.push(`module.${m[1]}`);
    rest = rest.slice(m[0].length);
  }
  return parts.join('.');
}

function parentModule(path: string): string {
  const i = path.lastIndexOf('.module.');
  return i < 0 ? '' : path.slice(0, i);
}

function moduleOfKey(key: string): string {
  const i = key.indexOf(':');
  if (i < 0) return '';
  const prefix = key.slice(0, i);
  // Terraform 0.12–0.14 name module blocks by their call name alone (`db:aws`): no full path to read.
  return prefix.startsWith('module.') ? prefix : `module.${prefix}`;
}

/** Self-links (`projects/p/zones/us-central1-a`) name the zone in their last segment. */
function lastSegment(value: string): string {
  const v = value.trim();
  return v.includes('/') ? v.slice(v.lastIndexOf('/') + 1) : v;
}

function dedupe(claims: LocationClaim[]): LocationClaim[] {
  const seen = new Set<string>();
  return claims.filter((c) => {
    const key = `${c.kind}|${c.code.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function tagValue(tags: unknown, key: string): string | undefined {
  if (!tags) return undefined;
  const lower = key.toLowerCase();
  if (Array.isArray(tags)) {
    for (const t of tags) {
      if (typeof t === 'string') {
        const m = /^([^=:]+)[=:](.*)$/.exec(t);
        if (m && m[1]!.trim().toLowerCase() === lower) return m[2]!.trim();
      } else if (t && typeof t === 'object') {
        const k = (t as Json).key ?? (t as Json).Key;
        const v = (t as Json).value ?? (t as Json).Value;
        if (typeof k === 'string' && k.toLowerCase() === lower && typeof v === 'string') return v.trim();
      }
    }
    return undefined;
  }
  if (typeof tags === 'object') {
    const record = tags as Record<string, unknown>;
    const direct = record[key];
    if (typeof direct === 'string') return direct.trim();
    for (const [k, v] of Object.entries(record))
      if (k.toLowerCase() === lower && typeof v === 'string') return v.trim();
  }
  return undefined;
}
