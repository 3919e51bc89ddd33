/**
 * `confiance scan` on a generated Terraform plan of 10,000 resources (2,000 with --quick), in the compact
 * form `terraform show -json` writes, spread over nested modules and five providers with aliases:
 * - `scan.plan.ms`: median time to read, locate (provider chains, lines) and decide every resource; target 1 s;
 * - `scan.plan.vs-json-parse`: that time over `JSON.parse` of the same text, same run; target ≤ 3.
 * The SARIF rendering of the result is in `details`.
 */
import { performance } from 'node:perf_hooks';
import { referentialDataClasses } from '../src/placement/classes.js';
import { PlacementEngine } from '../src/placement/engine.js';
import { loadReferential } from '../src/referential/load.js';
import { loadRegionCatalogue } from '../src/regions/catalogue.js';
import { renderSarif } from '../src/scan/report/sarif.js';
import { scan } from '../src/scan/scan.js';
import { registryOffers } from '../test/scan/registry.js';
import { type BenchContext, seededRandom } from './harness.js';

const PROVIDERS = [
  { key: 'aws', type: 'aws', ns: 'hashicorp', region: 'eu-west-3', resource: 'aws_s3_bucket', attr: null },
  {
    key: 'aws.frankfurt',
    type: 'aws',
    ns: 'hashicorp',
    region: 'eu-central-1',
    resource: 'aws_instance',
    attr: null,
  },
  {
    key: 'outscale',
    type: 'outscale',
    ns: 'outscale',
    region: 'cloudgouv-eu-west-1',
    resource: 'outscale_volume',
    attr: 'subregion_name',
  },
  {
    key: 'google',
    type: 'google',
    ns: 'hashicorp',
    region: 'europe-west9',
    resource: 'google_compute_disk',
    attr: 'zone',
  },
  {
    key: 'azurerm',
    type: 'azurerm',
    ns: 'hashicorp',
    region: null,
    resource: 'azurerm_storage_account',
    attr: 'location',
  },
] as const;
const CLASSES = ['public', 'internal', 'personal', 'health', 'sensitive'];

/** A plan shaped like Terraform's: planned_values with nested modules, resource_changes, configuration. */
export function generatePlan(count: number, random: () => number): string {
  const modules = 20;
  const perModule = Math.ceil(count / (modules + 1));
  const planned: { root: unknown[]; children: unknown[][] } = {
    root: [],
    children: Array.from({ length: modules }, () => []),
  };
  const changes: unknown[] = [];
  const config: { root: unknown[]; calls: Record<string, unknown> } = { root: [], calls: {} };
  for (let i = 0; i < count; i++) {
    const p = PROVIDERS[i % PROVIDERS.length]!;
    const m = Math.floor(i / perModule);
    const prefix = m === 0 ? '' : `module.m${m}.`;
    const name = `r${i}`;
    const address = `${prefix}${p.resource}.${name}`;
    const values: Record<string, unknown> = {
      name: `resource-${i}`,
      description: 'generated for the scan benchmark '.repeat(2),
      size: Math.floor(random() * 500),
      tags: {
        data_classification: CLASSES[Math.floor(random() * CLASSES.length)],
        team: `team-${i % 17}`,
        cost_centre: 'cc-42',
      },
    };
    if (p.attr === 'subregion_name')
      values.subregion_name = random() < 0.5 ? 'cloudgouv-eu-west-1a' : 'eu-west-2a';
    if (p.attr === 'zone') values.zone = random() < 0.5 ? 'europe-west9-b' : 'us-central1-a';
    if (p.attr === 'location') values.location = random() < 0.5 ? 'francecentral' : 'westeurope';
    const resource = {
      address,
      mode: 'managed',
      type: p.resource,
      name,
      provider_name: `registry.terraform.io/${p.ns}/${p.type}`,
      schema_version: 0,
      values,
      sensitive_values: { tags: {} },
    };
    if (m === 0) planned.root.push(resource);
    else planned.children[m - 1]!.push(resource);
    changes.push({
      address,
      ...(m === 0 ? {} : { module_address: `module.m${m}` }),
      mode: 'managed',
      type: p.resource,
      name,
      provider_name: resource.provider_name,
      change: {
        actions: ['create'],
        before: null,
        after: values,
        after_unknown: { id: true, arn: true, ...(random() < 0.1 ? { availability_zone: true } : {}) },
        before_sensitive: false,
        after_sensitive: { tags: {} },
      },
    });
    const entry = {
      address: `${p.resource}.${name}`,
      mode: 'managed',
      type: p.resource,
      name,
      provider_config_key: p.key,
      expressions: { name: { constant_value: `resource-${i}` } },
      schema_version: 0,
    };
    if (m === 0) config.root.push(entry);
    else {
      const name = `m${m}`;
      if (!config.calls[name])
        config.calls[name] = { source: `./modules/${name}`, module: { resources: [] } };
      (config.calls[name] as { module: { resources: unknown[] } }).module.resources.push(entry);
    }
  }
  const providerConfig: Record<string, unknown> = {};
  for (const p of PROVIDERS) {
    const [name, alias] = p.key.split('.');
    providerConfig[p.key] = {
      name,
      full_name: `registry.terraform.io/${p.ns}/${p.type}`,
      ...(alias ? { alias } : {}),
      expressions: p.region ? { region: { constant_value: p.region } } : {},
    };
  }
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: planned.root,
        child_modules: planned.children.map((resources, j) => ({ resources, address: `module.m${j + 1}` })),
      },
    },
    resource_changes: changes,
    configuration: {
      provider_config: providerConfig,
      root_module: { resources: config.root, module_calls: config.calls },
    },
  });
}

export default async function scanBench(ctx: BenchContext) {
  const count = ctx.quick ? 2000 : 10_000;
  const text = generatePlan(count, seededRandom(11));
  const referential = loadReferential();
  const context = {
    engine: new PlacementEngine({
      offers: registryOffers(),
      levelOrder: referential.levelOrder,
      now: new Date(),
    }),
    classes: referentialDataClasses(referential.document),
    catalogue: loadRegionCatalogue(),
    lang: 'en' as const,
    defaults: {},
  };
  const runs = ctx.quick ? 5 : 9;
  const parse: number[] = [];
  const scans: number[] = [];
  let resources = 0;
  let denied = 0;
  let sarifMs = 0;
  // Interleaved, so a slow patch of the shared machine weighs on both sides alike.
  for (let i = 0; i < runs + 1; i++) {
    let t0 = performance.now();
    JSON.parse(text);
    const p = performance.now() - t0;
    t0 = performance.now();
    const result = scan([{ file: 'plan.json', text }], context);
    const s = performance.now() - t0;
    if (i === 0) continue; // warm-up
    parse.push(p);
    scans.push(s);
    resources = result.summary.resources;
    denied = result.summary.denied;
    t0 = performance.now();
    renderSarif(result, {
      lang: 'en',
      strict: false,
      toolVersion: '0.1.0',
      registry: { from: 'bench', issuer: 'did:web:bench', generatedAt: '', offers: 0 },
      referential: { id: '', version: '', digest: '' },
    });
    sarifMs = performance.now() - t0;
    ctx.progress('scan', i, runs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const scanMs = median(scans);
  const parseMs = median(parse);
  ctx.report({
    name: 'scan.plan.ms',
    value: Math.round(scanMs),
    unit: 'ms',
    target: 1000,
    goal: 'max',
    details: {
      resources,
      denied,
      megabytes: Math.round(text.length / 1e4) / 100,
      runs,
      sarifMs: Math.round(sarifMs),
    },
  });
  ctx.report({
    name: 'scan.plan.vs-json-parse',
    value: Math.round((scanMs / parseMs) * 100) / 100,
    unit: '×',
    target: 3,
    goal: 'max',
    details: { jsonParseMs: Math.round(parseMs * 10) / 10, scanMs: Math.round(scanMs * 10) / 10 },
  });
}
