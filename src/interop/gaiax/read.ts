/**
 * Reading the structure of a Gaia-X input: a Verifiable Presentation (22.10), a compliance wrapper
 * `{selfDescriptionCredential, complianceCredential}` (22.04 and 22.10 outputs), or a single credential.
 * Terms are resolved through the known prefixes and those an inline @context defines, so `gx:legalName`
 * and its full IRI read the same. Every problem names its JSON path.
 */
import { formatPath, type PathSegment } from '../../util/source.js';
import { KNOWN_PREFIXES, resolveTerm, type Term, type Vocabulary } from './vocab.js';

export interface GaiaxIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Stable code for tools and tests: structure, context, proof, unknown-property, required, value, rule… */
  code: string;
}

export interface PropertyValue {
  term: Term;
  value: unknown;
  segments: PathSegment[];
}

export interface GaiaxSubject {
  segments: PathSegment[];
  credential: GaiaxCredential;
  id?: string;
  /** Local type name (`LegalParticipant`, `ServiceOffering`, `LegalPerson`…), undefined when untyped. */
  type?: string;
  vocabulary?: Vocabulary;
  node: Record<string, unknown>;
  prefixes: Record<string, string>;
}

export interface GaiaxCredential {
  segments: PathSegment[];
  id?: string;
  issuer?: string;
  issuanceDate?: string;
  document: Record<string, unknown>;
  subjects: GaiaxSubject[];
  /** The compliance service's own credential in a wrapper: read, never mapped. */
  compliance: boolean;
}

export interface ReadResult {
  shape: 'presentation' | 'self-description' | 'credential';
  credentials: GaiaxCredential[];
  issues: GaiaxIssue[];
}

const VC_V1 = 'https://www.w3.org/2018/credentials/v1';

export function readGaiax(input: unknown): ReadResult {
  const issues: GaiaxIssue[] = [];
  const error = (segments: PathSegment[], code: string, message: string) =>
    issues.push({ path: formatPath(segments), message, severity: 'error', code });
  const credentials: GaiaxCredential[] = [];

  if (!isObject(input)) {
    error(
      [],
      'structure',
      'expected a JSON object: a Verifiable Presentation, a self-description or a credential',
    );
    return { shape: 'credential', credentials, issues };
  }
  let shape: ReadResult['shape'] = 'credential';
  const readPresentation = (vp: Record<string, unknown>, at: PathSegment[]) => {
    checkContext(vp, at, issues);
    if (!typeList(vp.type).includes('VerifiablePresentation')) {
      error([...at, 'type'], 'structure', 'must include "VerifiablePresentation"');
    }
    const vcs = vp.verifiableCredential;
    if (vcs === undefined) {
      error(
        [...at, 'verifiableCredential'],
        'structure',
        'is required: the presentation holds no credential',
      );
      return;
    }
    const list = Array.isArray(vcs) ? vcs : [vcs];
    list.forEach((vc, i) => {
      const segs = Array.isArray(vcs) ? [...at, 'verifiableCredential', i] : [...at, 'verifiableCredential'];
      readCredential(vc, segs, false);
    });
  };
  const readCredential = (vc: unknown, at: PathSegment[], compliance: boolean) => {
    if (!isObject(vc)) {
      error(at, 'structure', 'must be a credential object');
      return;
    }
    checkContext(vc, at, issues);
    if (!typeList(vc.type ?? vc['@type']).includes('VerifiableCredential')) {
      error([...at, 'type'], 'structure', 'must include "VerifiableCredential"');
    }
    const credential: GaiaxCredential = { segments: at, document: vc, subjects: [], compliance };
    if (typeof vc.id === 'string') credential.id = vc.id;
    const issuer = isObject(vc.issuer) ? vc.issuer.id : vc.issuer;
    if (typeof issuer === 'string' && issuer !== '') credential.issuer = issuer;
    else error([...at, 'issuer'], 'required', 'is required: who issued the credential');
    if (typeof vc.issuanceDate === 'string') credential.issuanceDate = vc.issuanceDate;
    else if (typeof vc.validFrom !== 'string') error([...at, 'issuanceDate'], 'required', 'is required');
    const prefixes = { ...KNOWN_PREFIXES, ...inlinePrefixes(vc['@context']) };
    const cs = vc.credentialSubject;
    if (cs === undefined) error([...at, 'credentialSubject'], 'required', 'is required');
    const subjects = Array.isArray(cs) ? cs : cs === undefined ? [] : [cs];
    subjects.forEach((s, j) => {
      const segs = Array.isArray(cs) ? [...at, 'credentialSubject', j] : [...at, 'credentialSubject'];
      if (!isObject(s)) {
        error(segs, 'structure', 'must be an object');
        return;
      }
      const local = { ...prefixes, ...inlinePrefixes(s['@context']) };
      const subject: GaiaxSubject = { segments: segs, credential, node: s, prefixes: local };
      const id = s.id ?? s['@id'];
      if (typeof id === 'string') subject.id = id;
      for (const t of typeList(s.type ?? s['@type'])) {
        const term = resolveTerm(t, local);
        if (term.vocabulary !== 'other') {
          subject.type = term.local;
          subject.vocabulary = term.vocabulary;
        }
      }
      // 22.04 credentials carry the subject's type on the credential (`type: [VerifiableCredential, LegalPerson]`).
      if (!subject.type) {
        const vcType = typeList(vc.type).find((t) => t !== 'VerifiableCredential');
        if (vcType && !vcType.includes(':')) {
          subject.type = vcType;
          subject.vocabulary = '22.04';
        }
      }
      credential.subjects.push(subject);
    });
    credentials.push(credential);
  };

  if ('selfDescriptionCredential' in input) {
    shape = 'self-description';
    const sd = input.selfDescriptionCredential;
    if (isObject(sd) && typeList(sd.type).includes('VerifiablePresentation')) {
      readPresentation(sd, ['selfDescriptionCredential']);
    } else readCredential(sd, ['selfDescriptionCredential'], false);
    if (input.complianceCredential !== undefined)
      readCredential(input.complianceCredential, ['complianceCredential'], true);
  } else if (typeList(input.type).includes('VerifiablePresentation') || 'verifiableCredential' in input) {
    shape = 'presentation';
    readPresentation(input, []);
  } else if ('credentialSubject' in input) {
    readCredential(input, [], false);
  } else {
    error(
      [],
      'structure',
      'not a Gaia-X input: no verifiableCredential, selfDescriptionCredential or credentialSubject',
    );
  }
  return { shape, credentials, issues };
}

function checkContext(node: Record<string, unknown>, at: PathSegment[], issues: GaiaxIssue[]): void {
  const ctx = node['@context'];
  const list = Array.isArray(ctx) ? ctx : ctx === undefined ? [] : [ctx];
  if (list[0] !== VC_V1) {
    issues.push({
      path: formatPath([...at, '@context']),
      message: `must start with "${VC_V1}" (W3C Verifiable Credentials 1.1)`,
      severity: 'error',
      code: 'context',
    });
  }
}

/** Prefixes an inline @context object defines (remote contexts are not fetched). */
function inlinePrefixes(ctx: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of Array.isArray(ctx) ? ctx : [ctx]) {
    if (!isObject(c)) continue;
    for (const [k, v] of Object.entries(c)) if (typeof v === 'string' && !k.startsWith('@')) out[k] = v;
  }
  return out;
}

export function typeList(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((t): t is string => typeof t === 'string');
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
