/**
 * Reads Kubernetes manifests (multi-document YAML or JSON, `kind: List` included) into the resources that
 * pin data to a region or zone: Pods and their controllers (nodeSelector, required nodeAffinity on the
 * topology region/zone labels), StorageClass allowedTopologies, PersistentVolume node affinity, claims
 * through their storage class, and custom resources carrying the same structures. A workload whose
 * scheduling leaves the zone free, or only prefers one, is reported as unknown, never as placed.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { ScanInputError } from './terraform.js';
import type { DataClassClaim, LocationClaim, ProviderHints, Subject, UnknownLocation } from './types.js';

/** Aliases a document may expand before it is refused (a "billion laughs" document expands billions). */
export const MAX_ALIAS_COUNT = 100;

// biome-ignore lint/suspicious/noExplicitAny: manifests are read defensively, field by field.
type Json = any;
type Path = Array<string | number>;

const POD_SPEC: Record<string, Path> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** Kinds that hold no data of their own, or only the cluster's: reported as skipped. */
const NO_PLACEMENT = new Set([
  'Namespace',
  'Service',
  'ServiceAccount',
  'ConfigMap',
  'Secret',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'LimitRange',
  'ResourceQuota',
  'CustomResourceDefinition',
  'Endpoints',
  'EndpointSlice',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
]);

export interface KubernetesOptions {
  file: string;
  classKey: string;
}

interface Manifest {
  value: Json;
  /** Line of the manifest's first key, and a way to find the line of a path inside it. */
  line: number;
  column: number;
  lineOf(path: Path): number | undefined;
}

export function readKubernetesManifests(text: string, options: KubernetesOptions): Subject[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const manifests: Manifest[] = [];
  list.forEach((doc, d) => {
    if (doc.errors.length > 0) {
      throw new ScanInputError(
        `${options.file}: malformed YAML`,
        doc.errors.map((e) => {
          const p = lineCounter.linePos(e.pos[0]);
          return {
            path: `document ${d + 1}`,
            message: e.message.split('\n')[0]!,
            line: p.line,
            column: p.col,
          };
        }),
      );
    }
    let value: Json;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const start = doc.contents?.range?.[0] ?? 0;
      const p = lineCounter.linePos(start);
      throw new ScanInputError(`${options.file}: YAML refused`, [
        {
          path: `document ${d + 1}`,
          message: `${(err as Error).message} (at most ${MAX_ALIAS_COUNT} alias expansions per document)`,
          line: p.line,
          column: p.col,
        },
      ]);
    }
    if (value === null || value === undefined) return;
    const start = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    const lineOf = (prefix: Path) => (path: Path) => {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn([...prefix, ...path.slice(0, n)], true) as
          | { range?: [number, number, number] }
          | undefined;
        if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
    const manifest = (v: Json, prefix: Path): Manifest => {
      const at = prefix.length === 0 ? start : lineCounter.linePos(rangeOf(doc.getIn(prefix, true)) ?? 0);
      return { value: v, line: at.line, column: at.col, lineOf: lineOf(prefix) };
    };
    if (!value || typeof value !== 'object' || Array.isArray(value) || typeof value.kind !== 'string') {
      throw new ScanInputError(`${options.file}: not a Kubernetes manifest`, [
        {
          path: `document ${d + 1}`,
          message: 'expected an object with apiVersion and kind',
          line: start.line,
          column: start.col,
        },
      ]);
    }
    if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
      (Array.isArray(value.items) ? value.items : []).forEach((item: Json, i: number) => {
        if (item && typeof item === 'object' && typeof item.kind === 'string')
          manifests.push(manifest(item, ['items', i]));
      });
    } else manifests.push(manifest(value, []));
  });
  return new ManifestReader(manifests, options).read();
}

function rangeOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range?.[0];
}

class ManifestReader {
  readonly #storageClasses = new Map<string, Manifest>();
  readonly #claims = new Map<string, Manifest>();
  readonly #namespaces = new Map<string, Json>();

  constructor(
    readonly manifests: Manifest[],
    readonly options: KubernetesOptions,
  ) {
    for (const m of manifests) {
      const name = m.value.metadata?.name;
      if (typeof name !== 'string') continue;
      if (m.value.kind === 'StorageClass') this.#storageClasses.set(name, m);
      if (m.value.kind === 'PersistentVolumeClaim')
        this.#claims.set(`${m.value.metadata?.namespace ?? 'default'}/${name}`, m);
      if (m.value.kind === 'Namespace') this.#namespaces.set(name, m.value);
    }
  }

  read(): Subject[] {
    return this.manifests.map((m) => this.#subject(m));
  }

  #subject(m: Manifest): Subject {
    const v = m.value;
    const kind: string = v.kind;
    const namespace: string | undefined =
      typeof v.metadata?.namespace === 'string' ? v.metadata.namespace : undefined;
    const name = typeof v.metadata?.name === 'string' ? v.metadata.name : '(unnamed)';
    const base: Subject = {
      file: this.options.file,
      format: 'kubernetes',
      id: `${kind} ${namespace ? `${namespace}/` : ''}${name}`,
      type: kind,
      line: m.line,
      column: m.column,
      providers: {},
      locations: [],
    };
    if (NO_PLACEMENT.has(kind)) return { ...base, skip: { reason: 'no-data-kind', detail: kind } };
    const dataClass = this.#dataClass(v, namespace);
    if (dataClass) base.dataClass = dataClass;
    let found: Found;
    if (POD_SPEC[kind]) found = this.#workload(m, POD_SPEC[kind]!, namespace);
    else if (kind === 'StorageClass') found = this.#storageClass(m, []);
    else if (kind === 'PersistentVolume') found = persistentVolume(m);
    else if (kind === 'PersistentVolumeClaim') found = this.#claim(m, ['spec', 'storageClassName']);
    else {
      found = generic(m);
      if (found.claims.length === 0 && !found.unknown)
        return { ...base, skip: { reason: 'no-placement-found', detail: kind } };
    }
    base.locations = dedupe(found.claims);
    base.providers = found.hints;
    if (found.unknown) base.unknown = found.unknown;
    return base;
  }

  #dataClass(v: Json, namespace: string | undefined): DataClassClaim | undefined {
    const key = this.options.classKey;
    const pick = (meta: Json): string | undefined => {
      const own = meta?.labels?.[key] ?? meta?.annotations?.[key];
      return typeof own === 'string' && own.trim() ? own.trim() : undefined;
    };
    const own =
      pick(v.metadata) ??
      pick(v.spec?.template?.metadata) ??
      pick(v.spec?.jobTemplate?.spec?.template?.metadata);
    if (own) return { value: own, from: 'label' };
    const ns = this.#namespaces.get(namespace ?? 'default');
    const inherited = ns ? pick(ns.metadata) : undefined;
    return inherited ? { value: inherited, from: 'namespace' } : undefined;
  }

  #workload(m: Manifest, specPath: Path, namespace: string | undefined): Found {
    const spec = getIn(m.value, specPath);
    const found = podSpecPlacement(m, specPath, spec);
    if (found.claims.length > 0 || found.unknown?.reason === 'preference-only') return found;
    // A workload free to run anywhere still keeps its data where its volumes are provisioned.
    const storage: Found = { claims: [], hints: {} };
    const templates = getIn(m.value, ['spec', 'volumeClaimTemplates']);
    if (Array.isArray(templates))
      for (let i = 0; i < templates.length; i++)
        merge(storage, this.#claim(m, ['spec', 'volumeClaimTemplates', i, 'spec', 'storageClassName']));
    const volumes = spec?.volumes;
    if (Array.isArray(volumes))
      for (const vol of volumes) {
        const claimName = vol?.persistentVolumeClaim?.claimName;
        const pvc =
          typeof claimName === 'string'
            ? this.#claims.get(`${namespace ?? 'default'}/${claimName}`)
            : undefined;
        if (pvc) merge(storage, this.#claim(pvc, ['spec', 'storageClassName']));
      }
    if (storage.claims.length > 0 && !storage.unknown) return storage;
    return {
      claims: [],
      hints: storage.hints,
      unknown: storage.unknown ?? {
        reason: 'unconstrained',
        detail:
          'no nodeSelector or required nodeAffinity on a region or zone: it may run anywhere in the cluster',
      },
    };
  }

  #storageClass(m: Manifest, prefix: Path): Found {
    const sc = getIn(m.value, prefix);
    const hints: ProviderHints =
      typeof sc?.provisioner === 'string' ? { kubernetes: { provisioner: sc.provisioner } } : {};
    const topologies = sc?.allowedTopologies;
    if (!Array.isArray(topologies) || topologies.length === 0)
      return {
        claims: [],
        hints,
        unknown: {
          reason: 'unconstrained',
          detail: `storage class ${sc?.metadata?.name ?? ''} has no allowedTopologies: volumes may be anywhere in the cluster`,
        },
      };
    const claims: LocationClaim[] = [];
    let unconstrained = false;
    topologies.forEach((t: Json, i: number) => {
      let pinned = false;
      arr(t?.matchLabelExpressions).forEach((e: Json, j: number) => {
        const kind = topologyKind(e?.key);
        if (!kind) return;
        pinned = true;
        if (typeof e.key === 'string' && !isWellKnown(e.key))
          hints.kubernetes = { ...hints.kubernetes, topologyKey: e.key };
        const line = m.lineOf([...prefix, 'allowedTopologies', i, 'matchLabelExpressions', j, 'values']);
        for (const value of arr(e.values))
          if (typeof value === 'string')
            claims.push({ code: value, kind, from: `allowedTopologies ${e.key}`, ...(line ? { line } : {}) });
      });
      if (!pinned) unconstrained = true;
    });
    return unconstrained
      ? {
          claims,
          hints,
          unknown: { reason: 'unconstrained', detail: 'an allowedTopologies term sets no region or zone' },
        }
      : { claims, hints };
  }

  /** A claim (or a volumeClaimTemplate) is placed where its storage class provisions. */
  #claim(m: Manifest, classPath: Path): Found {
    const className = getIn(m.value, classPath);
    if (typeof className !== 'string')
      return {
        claims: [],
        hints: {},
        unknown: {
          reason: 'unconstrained',
          detail: 'no storageClassName: the cluster default class decides',
        },
      };
    const sc = this.#storageClasses.get(className);
    if (!sc)
      return {
        claims: [],
        hints: {},
        unknown: {
          reason: 'unconstrained',
          detail: `storage class ${className} is not in the scanned files`,
        },
      };
    const found = this.#storageClass(sc, []);
    return {
      ...found,
      claims: found.claims.map((c) => ({ ...c, from: `storage class ${className}, ${c.from}` })),
    };
  }
}

interface Found {
  claims: LocationClaim[];
  hints: ProviderHints;
  unknown?: { reason: UnknownLocation; detail: string };
}

function merge(into: Found, from: Found) {
  into.claims.push(...from.claims);
  if (from.hints.kubernetes) into.hints.kubernetes = { ...into.hints.kubernetes, ...from.hints.kubernetes };
  into.unknown ??= from.unknown;
}

function podSpecPlacement(m: Manifest, specPath: Path, spec: Json): Found {
  const hints: ProviderHints = {};
  const claims: LocationClaim[] = [];
  // nodeSelector is exact: when it names a region or zone, that is where the pods go.
  for (const [key, value] of Object.entries(obj(spec?.nodeSelector))) {
    const kind = topologyKind(key);
    if (!kind || typeof value !== 'string') continue;
    if (!isWellKnown(key)) hints.kubernetes = { topologyKey: key };
    const line = m.lineOf([...specPath, 'nodeSelector', key]);
    claims.push({ code: value, kind, from: `nodeSelector ${key}`, ...(line ? { line } : {}) });
  }
  if (claims.length > 0) return { claims, hints };
  const affinity = spec?.affinity?.nodeAffinity;
  const required = affinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const affinityPath = [...specPath, 'affinity', 'nodeAffinity'];
  if (required && typeof required === 'object' && !Array.isArray(required)) {
    const terms = nodeSelectorTerms(
      m,
      required.nodeSelectorTerms,
      [...affinityPath, 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'],
      hints,
    );
    if (terms.claims.length > 0 || terms.unknown) return { ...terms, hints };
  }
  const preferred = affinity?.preferredDuringSchedulingIgnoredDuringExecution;
  const prefersPlace = (list: unknown) =>
    arr(list).some((p: Json) => arr(p?.preference?.matchExpressions).some((e: Json) => topologyKind(e?.key)));
  if (prefersPlace(preferred) || (Array.isArray(required) && prefersPlace(required)))
    return {
      claims: [],
      hints,
      unknown: {
        reason: 'preference-only',
        detail: 'preferredDuringScheduling names it, requiredDuringScheduling does not (or is malformed)',
      },
    };
  return { claims: [], hints };
}

function nodeSelectorTerms(m: Manifest, terms: unknown, path: Path, hints: ProviderHints): Found {
  const claims: LocationClaim[] = [];
  let unconstrained = false;
  const list = arr(terms);
  list.forEach((term: Json, i: number) => {
    let pinned = false;
    arr(term?.matchExpressions).forEach((e: Json, j: number) => {
      const kind = topologyKind(e?.key);
      if (!kind || e.operator !== 'In') return;
      pinned = true;
      if (!isWellKnown(e.key)) hints.kubernetes = { ...hints.kubernetes, topologyKey: e.key };
      const line = m.lineOf([...path, i, 'matchExpressions', j, 'values']);
      for (const value of arr(e.values))
        if (typeof value === 'string')
          claims.push({ code: value, kind, from: `nodeAffinity ${e.key}`, ...(line ? { line } : {}) });
    });
    if (!pinned) unconstrained = true;
  });
  if (list.length > 0 && unconstrained)
    return {
      claims,
      hints,
      unknown: {
        reason: 'unconstrained',
        detail: 'a nodeSelectorTerm sets no region or zone: the scheduler may use it',
      },
    };
  return { claims, hints };
}

function persistentVolume(m: Manifest): Found {
  const hints: ProviderHints = {};
  const driver = m.value.spec?.csi?.driver;
  if (typeof driver === 'string') hints.kubernetes = { provisioner: driver };
  const claims: LocationClaim[] = [];
  // PVs provisioned in a zone usually carry its topology labels.
  for (const [key, value] of Object.entries(obj(m.value.metadata?.labels))) {
    const kind = topologyKind(key);
    if (kind && typeof value === 'string') claims.push({ code: value, kind, from: `label ${key}` });
  }
  const terms = nodeSelectorTerms(
    m,
    m.value.spec?.nodeAffinity?.required?.nodeSelectorTerms,
    ['spec', 'nodeAffinity', 'required', 'nodeSelectorTerms'],
    hints,
  );
  claims.push(...terms.claims);
  if (claims.length > 0) return { claims, hints };
  return {
    claims,
    hints,
    unknown: terms.unknown ?? { reason: 'unconstrained', detail: 'no node affinity on a region or zone' },
  };
}

/** Custom resources: any nodeSelector, required nodeAffinity or allowedTopologies found inside. */
function generic(m: Manifest): Found {
  const found: Found = { claims: [], hints: {} };
  const visit = (node: Json, path: Path, depth: number) => {
    if (depth > 12 || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], [...path, i], depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'nodeAffinity' && value && typeof value === 'object') {
        const req = (value as Json).requiredDuringSchedulingIgnoredDuringExecution;
        if (req && typeof req === 'object' && !Array.isArray(req))
          merge(
            found,
            nodeSelectorTerms(
              m,
              req.nodeSelectorTerms,
              [...path, key, 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'],
              found.hints,
            ),
          );
      } else if (key === 'nodeSelector') {
        merge(found, podSpecPlacement(m, path, { nodeSelector: value }));
      } else visit(value, [...path, key], depth + 1);
    }
  };
  visit(m.value.spec, ['spec'], 0);
  return found;
}

const WELL_KNOWN = new Set([
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);

function isWellKnown(key: string): boolean {
  return WELL_KNOWN.has(key);
}

/** `topology.kubernetes.io/zone`, `failure-domain.beta…/region`, CSI keys such as `topology.ebs.csi.aws.com/zone`. */
export function topologyKind(key: unknown): 'region' | 'zone' | undefined {
  if (typeof key !== 'string' || !/(^|\.)(topology|failure-domain)/.test(key)) return undefined;
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name === 'region' ? 'region' : name === 'zone' ? 'zone' : undefined;
}

function getIn(value: Json, path: Path): Json {
  let v = value;
  for (const p of path) v = v?.[p];
  return v;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
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
