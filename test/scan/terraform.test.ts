import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ScanContext } from '../../src/scan/evaluate.js';
import { scan } from '../../src/scan/scan.js';
import { modulePathOf, providerTypeOf, readTerraformPlan, ScanInputError } from '../../src/scan/terraform.js';
import type { Subject } from '../../src/scan/types.js';
import { repoRoot } from '../helpers/cli.js';
import { scanContext } from './registry.js';

const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', 'terraform', name);
const read = (name: string) => readFileSync(fixture(name), 'utf8');
const subjects = (name: string) =>
  new Map(
    readTerraformPlan(read(name), { file: name, classKey: 'data_classification' }).map((s) => [s.id, s]),
  );
const where = (s: Subject | undefined) => s?.locations.map((l) => `${l.code} <${l.from}>`);

describe('Terraform plan reader', () => {
  const plan = subjects('multi-cloud.plan.json');

  it("takes the region of each resource's provider block, aliases and variables included", () => {
    assert.deepEqual(where(plan.get('aws_s3_bucket.documents')), ['eu-west-3 <provider aws>']);
    assert.deepEqual(where(plan.get('aws_s3_bucket.backup')), [
      'eu-central-1 <provider aws.frankfurt, var.secondary_region>',
    ]);
    assert.deepEqual(where(plan.get('aws_db_instance.analytics')), ['us-east-1 <provider aws.virginia>']);
    assert.deepEqual(where(plan.get('outscale_vm.general')), ['eu-west-2a <placement_subregion_name>']);
  });

  it('follows nested modules: inherited providers, and module providers fed by variables passed down', () => {
    assert.deepEqual(where(plan.get('module.storage.aws_s3_bucket.primary')), ['eu-west-3 <provider aws>']);
    assert.deepEqual(where(plan.get('module.storage.module.replica.aws_s3_bucket.copy[0]')), [
      // var.region of the replica module, set by module.storage from its own var.replica_region, set by the root.
      'eu-west-1 <provider module.storage.module.replica:aws, var.region, var.replica_region, var.replica_region>',
    ]);
    assert.equal(modulePathOf('module.a["x.y"].module.b[0].aws_s3_bucket.c[1]'), 'module.a.module.b');
    assert.equal(
      providerTypeOf('provider["registry.terraform.io/hashicorp/google-beta"]', 'x'),
      'google-beta',
    );
    assert.equal(providerTypeOf('aws.east', 'aws_s3_bucket'), 'aws');
  });

  it("prefers the resource's own region, location or zone to its provider's", () => {
    assert.deepEqual(where(plan.get('google_compute_instance.vm')), ['europe-west9-b <zone>']);
    assert.deepEqual(where(plan.get('google_storage_bucket.archive')), ['EU <location>']);
    assert.deepEqual(where(plan.get('ovh_cloud_project_kube.cluster')), ['GRA11 <region>']);
    assert.deepEqual(where(plan.get('scaleway_instance_server.web')), ['fr-par-1 <zone>']);
    assert.deepEqual(where(plan.get('azurerm_storage_account.sa')), ['France Central <location>']);
    assert.deepEqual(where(plan.get('azurerm_subnet.sn')), ['francecentral <resource group rg-confiance>']);
  });

  it('reads a computed attribute the configuration does not set as the provider default', () => {
    // aws_instance.app: availability_zone is unknown until apply but not configured: it will be in the
    // provider's region.
    const app = plan.get('aws_instance.app');
    assert.deepEqual(where(app), ['eu-west-3 <provider aws>']);
    assert.equal(app?.unknown, undefined);
  });

  it('reads the data class from tag maps, key=value lists and key/value objects', () => {
    assert.deepEqual(plan.get('aws_s3_bucket.documents')?.dataClass, { value: 'personal', from: 'tag' });
    assert.deepEqual(plan.get('outscale_volume.secret')?.dataClass, { value: 'sensitive', from: 'tag' });
    assert.deepEqual(plan.get('scaleway_instance_server.web')?.dataClass, { value: 'internal', from: 'tag' });
    assert.deepEqual(plan.get('google_storage_bucket.archive')?.dataClass, {
      value: 'personal',
      from: 'tag',
    });
    assert.equal(plan.get('ovh_cloud_project_kube.cluster')?.dataClass, undefined);
    const custom = readTerraformPlan(read('multi-cloud.plan.json'), { file: 'x', classKey: 'TEAM' });
    assert.deepEqual(custom.find((s) => s.id === 'aws_s3_bucket.documents')?.dataClass, {
      value: 'platform',
      from: 'tag',
    });
  });

  it('skips data sources and providers that place nothing, and leaves out destroyed resources', () => {
    assert.equal(plan.get('random_password.db')?.skip?.reason, 'logical-provider');
    assert.equal(plan.get('data.aws_caller_identity.current')?.skip?.reason, 'data-source');
    assert.equal(plan.has('aws_s3_bucket.legacy'), false);
    assert.equal(plan.size, 17);
  });

  it('points every resource at its line in the plan', () => {
    const lines = read('multi-cloud.plan.json').split('\n');
    for (const s of plan.values()) {
      assert.ok(s.line !== undefined, s.id);
      assert.match(lines[s.line - 1]!, /^\s*\{$/, `${s.id} at line ${s.line}`);
      assert.equal(lines[s.line]!.trim(), `"address": ${JSON.stringify(s.id)},`, s.id);
    }
  });

  it('says why a location is unknown rather than guessing it', () => {
    const u = subjects('unknowns.plan.json');
    const reason = (id: string) => u.get(id)?.unknown?.reason;
    assert.equal(reason('aws_s3_bucket.env'), 'region-from-environment');
    assert.equal(reason('azurerm_linux_virtual_machine.vm'), 'known-after-apply');
    assert.match(
      u.get('azurerm_linux_virtual_machine.vm')!.unknown!.detail,
      /data\.azurerm_resource_group\.existing/,
    );
    assert.equal(reason('azurerm_role_assignment.reader'), 'no-region');
    assert.equal(reason('google_compute_disk.disk'), 'region-from-environment');
    assert.deepEqual(u.get('aws_instance.web')?.dataClass, { from: 'tag', unknownUntilApply: true });
    assert.deepEqual(where(u.get('google_compute_instance.trusted')), ['u-france-east1-b <zone>']);
    assert.equal(
      u.get('google_compute_instance.trusted')?.providers.terraform?.universeDomain,
      's3nsapis.fr',
    );
    assert.ok(u.has('aws_sqs_queue.orphan'), 'a resource listed only in resource_changes is read too');
    assert.match(
      read('unknowns.plan.json').split('\n')[u.get('aws_sqs_queue.orphan')!.line! - 1]!,
      /^\s*\{$/,
    );
  });
});

describe('Terraform plan decisions', () => {
  const statuses = (name: string, ctx: ScanContext) =>
    Object.fromEntries(scan([{ file: name, text: read(name) }], ctx).findings.map((f) => [f.id, f.status]));

  it('allows, denies and leaves undecided each resource of a multi-cloud plan', () => {
    const s = statuses('multi-cloud.plan.json', scanContext({ dataClass: 'personal' }));
    assert.deepEqual(s, {
      'aws_s3_bucket.documents': 'allowed',
      'aws_s3_bucket.backup': 'denied',
      'aws_db_instance.analytics': 'denied',
      'aws_instance.app': 'allowed',
      'outscale_volume.secret': 'allowed',
      'outscale_vm.general': 'denied',
      'scaleway_instance_server.web': 'allowed',
      'ovh_cloud_project_kube.cluster': 'allowed',
      'google_storage_bucket.archive': 'denied',
      'google_compute_instance.vm': 'denied',
      'azurerm_resource_group.rg': 'allowed',
      'azurerm_storage_account.sa': 'allowed',
      'azurerm_subnet.sn': 'allowed',
      'random_password.db': 'skipped',
      'data.aws_caller_identity.current': 'skipped',
      'module.storage.aws_s3_bucket.primary': 'allowed',
      'module.storage.module.replica.aws_s3_bucket.copy[0]': 'denied',
    });
  });

  it('names the offer and level relied on, and the reason of a refusal', () => {
    const result = scan(
      [{ file: 'p', text: read('multi-cloud.plan.json') }],
      scanContext({ dataClass: 'personal' }),
    );
    const byId = new Map(result.findings.map((f) => [f.id, f]));
    const ok = byId.get('aws_s3_bucket.documents')!;
    assert.deepEqual(ok.placements[0]!.offer, {
      id: 'aws-emea-paris',
      name: 'aws-emea-paris',
      level: 'eu-data',
      labelId: ok.placements[0]!.offer!.labelId,
    });
    assert.deepEqual(ok.placements[0]!.location, {
      provider: 'aws',
      code: 'eu-west-3',
      countries: ['FR'],
      city: 'Paris',
    });
    const backup = byId.get('aws_s3_bucket.backup')!;
    assert.equal(backup.dataClass, 'sensitive');
    assert.deepEqual(
      backup.placements[0]!.reasons.filter((r) => r.status === 'fail').map((r) => r.code),
      ['label.none', 'territory.outside'],
    );
    assert.match(backup.message, /No labelled offer covers region eu-central-1 of aws/);
    assert.equal(byId.get('ovh_cloud_project_kube.cluster')!.dataClassFrom, 'default');
  });

  it('never passes an unknown placement silently; defaults answer only what the input leaves open', () => {
    const none = statuses('unknowns.plan.json', scanContext({ dataClass: 'personal' }));
    assert.deepEqual(none, {
      'aws_s3_bucket.env': 'unknown',
      'aws_instance.web': 'unknown',
      'azurerm_linux_virtual_machine.vm': 'unknown',
      'azurerm_role_assignment.reader': 'unknown',
      'google_compute_disk.disk': 'unknown',
      'google_storage_bucket.paris': 'denied',
      'google_compute_instance.trusted': 'allowed',
      'datadog_monitor.cpu': 'unknown',
      'cloudtemple_compute_virtual_machine.vm': 'allowed',
      'aws_sqs_queue.orphan': 'unknown',
    });
    const withRegion = statuses(
      'unknowns.plan.json',
      scanContext({ dataClass: 'personal', region: 'eu-west-3' }),
    );
    assert.equal(withRegion['aws_s3_bucket.env'], 'allowed');
    assert.equal(withRegion['aws_sqs_queue.orphan'], 'allowed');
    assert.equal(
      withRegion['azurerm_linux_virtual_machine.vm'],
      'unknown',
      'known after apply: no default replaces it',
    );
    assert.equal(
      withRegion['aws_instance.web'],
      'unknown',
      'a class known after apply is not replaced by --class',
    );
  });

  it('refuses a resource whose class nobody defines, and one without a class when there is no default', () => {
    const plan = JSON.parse(read('multi-cloud.plan.json'));
    const values = plan.planned_values.root_module.resources[0].values;
    values.tags.data_classification = 'top-secret';
    values.tags_all.data_classification = 'top-secret';
    const result = scan([{ file: 'p', text: JSON.stringify(plan) }], scanContext());
    const byId = new Map(result.findings.map((f) => [f.id, f]));
    assert.equal(byId.get('aws_s3_bucket.documents')!.status, 'denied');
    assert.match(byId.get('aws_s3_bucket.documents')!.message, /Unknown data class "top-secret"/);
    assert.equal(byId.get('ovh_cloud_project_kube.cluster')!.status, 'unknown');
    assert.match(byId.get('ovh_cloud_project_kube.cluster')!.message, /No data class/);
  });
});

describe('Terraform bad input', () => {
  const refuse = (text: string) => {
    try {
      readTerraformPlan(text, { file: 'plan.json', classKey: 'data_classification' });
    } catch (err) {
      assert.ok(err instanceof ScanInputError, String(err));
      return err;
    }
    assert.fail('accepted');
  };

  it('refuses truncated JSON, naming the line and column where it ends', () => {
    const text = read('multi-cloud.plan.json');
    const err = refuse(text.slice(0, 5000));
    assert.match(err.message, /malformed JSON/);
    const lines = text.slice(0, 5000).split('\n');
    assert.equal(err.details[0]!.line, lines.length);
  });

  it('refuses an unsupported format_version, pointing at it', () => {
    const err = refuse(
      read('multi-cloud.plan.json').replace('"format_version": "1.2"', '"format_version": "2.0"'),
    );
    assert.match(err.message, /unsupported format_version "2\.0"/);
    assert.deepEqual([err.details[0]!.path, err.details[0]!.line], ['$.format_version', 2]);
    assert.match(refuse('{"planned_values": {}}').message, /unsupported format_version null/);
  });

  it('refuses what is not a plan', () => {
    assert.match(refuse('[]').message, /not a Terraform plan/);
    assert.match(refuse('{"format_version": "1.0", "values": {}}').details[0]!.message, /state file/);
  });
});
