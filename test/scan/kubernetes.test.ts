import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readKubernetesManifests, topologyKind } from '../../src/scan/kubernetes.js';
import { scan } from '../../src/scan/scan.js';
import { ScanInputError } from '../../src/scan/terraform.js';
import type { Subject } from '../../src/scan/types.js';
import { repoRoot } from '../helpers/cli.js';
import { scanContext } from './registry.js';

const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'k8s', name), 'utf8');
const read = (text: string) =>
  new Map(
    readKubernetesManifests(text, { file: 'm.yaml', classKey: 'data_classification' }).map((s) => [s.id, s]),
  );
const codes = (s: Subject | undefined) => s?.locations.map((l) => l.code);

describe('Kubernetes manifest reader', () => {
  const cluster = read(fixture('outscale-cluster.yaml'));
  const lines = fixture('outscale-cluster.yaml').split('\n');

  it('reads nodeSelector and required nodeAffinity on the topology region and zone labels', () => {
    assert.deepEqual(codes(cluster.get('Deployment secure/web')), ['eu-west-2']);
    assert.equal(cluster.get('Deployment secure/web')!.locations[0]!.kind, 'region');
    assert.deepEqual(codes(cluster.get('StatefulSet secure/db')), [
      'cloudgouv-eu-west-1a',
      'cloudgouv-eu-west-1b',
    ]);
    // Terms are alternatives: the CronJob may run in either zone, the deprecated label included.
    assert.deepEqual(codes(cluster.get('CronJob secure/backup')), ['cloudgouv-eu-west-1a', 'eu-west-2a']);
    assert.deepEqual(codes(cluster.get('DaemonSet agent')), ['eu-west-2b']);
  });

  it('reads StorageClass allowedTopologies, PersistentVolume affinity and claims through their class', () => {
    assert.deepEqual(codes(cluster.get('StorageClass bsu-sovereign')), [
      'cloudgouv-eu-west-1a',
      'cloudgouv-eu-west-1b',
    ]);
    assert.deepEqual(cluster.get('StorageClass bsu-sovereign')!.providers, {
      kubernetes: { provisioner: 'bsu.csi.outscale.com', topologyKey: 'topology.bsu.csi.outscale.com/zone' },
    });
    assert.deepEqual(codes(cluster.get('PersistentVolume archive')), ['cloudgouv-eu-west-1b']);
    assert.deepEqual(codes(cluster.get('PersistentVolumeClaim secure/uploads')), ['eu-west-2a']);
    assert.match(
      cluster.get('PersistentVolumeClaim secure/uploads')!.locations[0]!.from,
      /storage class bsu-general/,
    );
  });

  it('reports free or merely preferred scheduling as unknown, never as placed', () => {
    assert.equal(cluster.get('Job secure/migrate')!.unknown?.reason, 'unconstrained');
    assert.equal(cluster.get('Pod debug')!.unknown?.reason, 'preference-only');
    assert.deepEqual(cluster.get('Pod debug')!.locations, []);
  });

  it('takes the class from labels, then the namespace, and skips kinds without data of their own', () => {
    assert.deepEqual(cluster.get('Deployment secure/web')!.dataClass, {
      value: 'sensitive',
      from: 'namespace',
    });
    assert.deepEqual(cluster.get('Pod debug')!.dataClass, { value: 'internal', from: 'label' });
    assert.equal(cluster.get('StorageClass bsu-sovereign')!.dataClass, undefined);
    assert.equal(cluster.get('Namespace secure')!.skip?.reason, 'no-data-kind');
    assert.equal(cluster.get('ConfigMap secure/settings')!.skip?.reason, 'no-data-kind');
  });

  it('points at each manifest and at the values that place it', () => {
    for (const s of cluster.values()) assert.match(lines[s.line! - 1]!, /^apiVersion:/, s.id);
    const web = cluster.get('Deployment secure/web')!.locations[0]!;
    assert.match(lines[web.line! - 1]!, /topology\.kubernetes\.io\/region: eu-west-2/);
    const db = cluster.get('StatefulSet secure/db')!.locations[0]!;
    assert.match(lines[db.line! - 1]!, /- cloudgouv-eu-west-1a$/);
  });

  it('reads JSON manifests and List items with their lines', () => {
    const list = read(fixture('aws-cluster.json'));
    assert.deepEqual(codes(list.get('StorageClass ebs-paris')), ['eu-west-3a', 'eu-west-3b']);
    assert.deepEqual(codes(list.get('ReplicaSet health/records')), ['eu-central-1']);
    const json = fixture('aws-cluster.json').split('\n');
    assert.match(json[list.get('ReplicaSet health/records')!.line! - 1]!, /^\s*\{$/);
  });

  it('recognises topology keys, the CSI drivers’ included', () => {
    assert.equal(topologyKind('topology.kubernetes.io/zone'), 'zone');
    assert.equal(topologyKind('failure-domain.beta.kubernetes.io/region'), 'region');
    assert.equal(topologyKind('topology.ebs.csi.aws.com/zone'), 'zone');
    assert.equal(topologyKind('kubernetes.io/hostname'), undefined);
    assert.equal(topologyKind('example.com/zone'), undefined);
  });
});

describe('Kubernetes decisions', () => {
  it('decides each placement; a region two providers share needs --provider', () => {
    const run = (provider?: string) =>
      Object.fromEntries(
        scan(
          [{ file: 'c.yaml', text: fixture('outscale-cluster.yaml') }],
          scanContext(provider ? { provider } : {}),
        ).findings.map((f) => [f.id, f.status]),
      );
    const guessed = run();
    assert.equal(guessed['Deployment secure/web'], 'unknown', 'eu-west-2 is AWS London and Outscale France');
    assert.equal(guessed['StatefulSet secure/db'], 'allowed', 'cloudgouv zones exist at Outscale only');
    const outscale = run('outscale');
    assert.deepEqual(outscale, {
      'Namespace secure': 'skipped',
      'StorageClass bsu-sovereign': 'unknown',
      'StorageClass bsu-general': 'denied',
      'StatefulSet secure/db': 'allowed',
      'Deployment secure/web': 'denied',
      'CronJob secure/backup': 'denied',
      'Job secure/migrate': 'unknown',
      'Pod debug': 'unknown',
      'DaemonSet agent': 'allowed',
      'PersistentVolume archive': 'allowed',
      'PersistentVolumeClaim secure/uploads': 'denied',
      'ConfigMap secure/settings': 'skipped',
    });
  });

  it('tells the provider from the CSI driver when the manifest names it', () => {
    const result = scan([{ file: 'a.json', text: fixture('aws-cluster.json') }], scanContext());
    const byId = new Map(result.findings.map((f) => [f.id, f]));
    assert.equal(byId.get('StorageClass ebs-paris')!.status, 'allowed');
    assert.equal(byId.get('StorageClass ebs-paris')!.placements[0]!.offer?.id, 'aws-emea-paris');
    // No driver names the ReplicaSet's provider, but eu-central-1 exists at AWS only.
    assert.equal(byId.get('ReplicaSet health/records')!.status, 'denied');
  });
});

describe('Kubernetes bad input', () => {
  const refuse = (text: string) => {
    try {
      readKubernetesManifests(text, { file: 'bad.yaml', classKey: 'data_classification' });
    } catch (err) {
      assert.ok(err instanceof ScanInputError, String(err));
      return err;
    }
    assert.fail('accepted');
  };

  it('refuses a YAML bomb: alias expansion is bounded', () => {
    const bomb = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: lol }',
      'data:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      '  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      '  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      '  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    ].join('\n');
    const err = refuse(`---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ok }\n---\n${bomb}\n`);
    assert.match(err.message, /YAML refused/);
    assert.match(err.details[0]!.message, /alias/i);
    assert.deepEqual([err.details[0]!.path, err.details[0]!.line], ['document 2', 6]);
  });

  it('refuses malformed YAML and documents that are not manifests, with their lines', () => {
    const malformed = refuse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n');
    assert.match(malformed.message, /malformed YAML/);
    assert.ok(malformed.details[0]!.line! >= 4);
    const notManifest = refuse('apiVersion: v1\nkind: Pod\n---\n- just\n- a list\n');
    assert.match(notManifest.message, /not a Kubernetes manifest/);
    assert.deepEqual([notManifest.details[0]!.path, notManifest.details[0]!.line], ['document 2', 4]);
  });

  it('survives the odd but valid: empty documents, unnamed objects, malformed affinity', () => {
    const odd = read(
      '---\n---\napiVersion: v1\nkind: Pod\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution: [1, 2]\n  containers: []\n',
    );
    assert.equal(odd.get('Pod (unnamed)')!.unknown?.reason, 'unconstrained');
  });
});
