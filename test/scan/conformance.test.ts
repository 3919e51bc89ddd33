/**
 * Third-party Terraform plans and Kubernetes manifests (copied unchanged into /work/shared/fixtures, with
 * their provenance) through the scanner: none may crash, and what each yields is checked where the
 * fixture's documentation says what is in it. Skipped when the folder is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSubjects, scan } from '../../src/scan/scan.js';
import type { Finding } from '../../src/scan/types.js';
import { scanContext } from './registry.js';

const ROOT = process.env.CONFIANCE_SHARED_FIXTURES ?? '/work/shared/fixtures';
const present = existsSync(join(ROOT, 'terraform')) && existsSync(join(ROOT, 'k8s'));

function run(kind: 'terraform' | 'k8s', name: string, defaults = { dataClass: 'personal' }) {
  const text = readFileSync(join(ROOT, kind, name), 'utf8');
  return scan([{ file: name, text }], scanContext(defaults));
}

const byId = (findings: Finding[]) => new Map(findings.map((f) => [f.id, f]));
const codes = (f: Finding | undefined) => f?.placements.map((p) => p.location?.code ?? p.claim.code);

describe('shared real-world fixtures', { skip: present ? false : `${ROOT} is absent` }, () => {
  it('reads every Terraform plan and Kubernetes manifest without crashing', (t) => {
    for (const kind of ['terraform', 'k8s'] as const) {
      for (const name of readdirSync(join(ROOT, kind)).sort()) {
        const text = readFileSync(join(ROOT, kind, name), 'utf8');
        const { subjects } = readSubjects({ file: name, text }, 'data_classification');
        const result = scan([{ file: name, text }], scanContext({ dataClass: 'personal' }));
        assert.equal(result.findings.length, subjects.length);
        const s = result.summary;
        t.diagnostic(
          `${kind}/${name}: ${s.resources} resources, ${s.denied} denied, ${s.unknown} unknown, ${s.allowed} allowed, ${s.skipped} skipped`,
        );
      }
    }
  });

  it('lets a resource zone override its provider region (checkov plan_booleans)', () => {
    const f = byId(run('terraform', 'checkov__plan_booleans_tfplan.json').findings);
    assert.deepEqual(codes(f.get('google_compute_instance.default')), ['us-central1']);
    assert.deepEqual(codes(f.get('google_service_account.default')), ['europe-west2']);
  });

  it('follows an aliased provider, and reports the default one without a region as unknown', () => {
    const f = byId(run('terraform', 'checkov__tfplan_route53_aliased_provider.json').findings);
    assert.deepEqual(codes(f.get('aws_cloudwatch_log_group.aws_route53_example_com')), ['us-east-1']);
    assert.equal(f.get('aws_route53_zone.example_com')!.status, 'unknown');
    assert.equal(f.get('aws_route53_query_log.example_com')!.status, 'unknown');
  });

  it('inherits regions through nested modules of old plans (infracost, Terraform 0.14)', () => {
    const result = run('terraform', 'infracost__terraform_v0.14_plan.json');
    assert.equal(result.findings.length, 26);
    const f = byId(result.findings);
    assert.deepEqual(codes(f.get('module.db.module.db_2.module.db_instance.aws_db_instance.this[0]')), [
      'us-east-1',
    ]);
    assert.deepEqual(codes(f.get('module.db.module.db_1.module.db_instance.aws_db_instance.this[0]')), [
      'us-east-1',
    ]);
    assert.ok(
      result.findings.every((x) => x.status === 'denied'),
      'no labelled offer in us-east-1',
    );
  });

  it('resolves a region set from a variable (terraform-compliance issue 249)', () => {
    const result = run('terraform', 'tfcompliance__issue-249_region_from_var.json');
    assert.ok(result.findings.length > 0);
    for (const f of result.findings) assert.deepEqual(codes(f), ['us-east-1'], f.id);
  });

  it('places Azure resources by location, then by resource group (infracost firewall, issue 294)', () => {
    const fw = byId(run('terraform', 'infracost__azure_firewall_plan.json').findings);
    assert.deepEqual(codes(fw.get('azurerm_firewall.premium')), ['eastus']);
    assert.deepEqual(codes(fw.get('azurerm_subnet.example')), ['westeurope']);
    const rg = byId(run('terraform', 'tfcompliance__issue-294_azurerm_random.json').findings);
    assert.deepEqual(codes(rg.get('azurerm_subnet.internal')), ['northeurope']);
    assert.equal(rg.get('module.linuxservers-fail.azurerm_availability_set.vm')!.status, 'unknown');
    assert.equal(rg.get('module.linuxservers-fail.random_id.vm-sa')!.status, 'skipped');
  });

  it('reads zone self-links and storage multi-regions (terraform-validator)', () => {
    const f = byId(run('terraform', 'tfvalidator__tf1_0plan.allcoverage.json').findings);
    assert.deepEqual(codes(f.get('google_compute_disk.my-disk-resource')), ['us-central1']);
    assert.deepEqual(codes(f.get('google_storage_bucket.my-test-bucket')), ['EU']);
    assert.equal(f.get('google_project.my-project-resource')!.status, 'unknown');
  });

  it('reads Kubernetes topology in storage classes, volumes and custom resources', () => {
    const sc = byId(run('k8s', 'aws-ebs-csi-driver__storageclass.yaml').findings);
    assert.deepEqual(codes(sc.get('StorageClass ebs-sc')), ['us-east-2']);
    const pv = byId(run('k8s', 'aws-ebs-csi-driver__static-pv.yaml').findings);
    assert.deepEqual(codes(pv.get('PersistentVolume test-pv')), ['us-east-2']);
    const az = byId(run('k8s', 'azuredisk-csi__storageclass-allowed-topologies.yaml').findings);
    assert.deepEqual(codes(az.get('StorageClass managed-csi')), ['eastus2', 'eastus2']);
    const gke = byId(run('k8s', 'gcp-pd-csi__demo-regional-restricted-sc.yaml').findings);
    assert.deepEqual(codes(gke.get('StorageClass csi-gce-pd')), ['us-central1', 'us-central1']);
    const scylla = byId(run('k8s', 'scylla-operator__eks-cluster.yaml').findings);
    assert.deepEqual(codes(scylla.get('ScyllaCluster scylla/scylla-cluster')), [
      'us-east-1',
      'us-east-1',
      'us-east-1',
    ]);
  });

  it('keeps undecidable what cannot be decided: an OpenStack zone, a malformed affinity', () => {
    const os = byId(run('k8s', 'openstack-cinder-csi__topology-example.yaml').findings);
    assert.equal(os.get('StorageClass topology-aware-standard')!.status, 'unknown');
    assert.match(os.get('StorageClass topology-aware-standard')!.message, /nova1/);
    assert.equal(os.get('Pod app')!.status, 'unknown');
    const pod = byId(run('k8s', 'k8s-website__pod-with-node-affinity.yaml').findings);
    assert.equal(pod.get('Pod with-node-affinity')!.status, 'unknown');
  });
});
