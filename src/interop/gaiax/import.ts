/**
 * Importing Gaia-X credentials: read the structure, check shapes and rules, check signatures where the
 * issuer's DID document is at hand, then draft a declaration with the provenance of every field and the
 * list of what it still lacks (the paths the referential's criteria need, so their evaluation says
 * `missing-data`). Nothing is fetched unless the caller passes a fetcher.
 */
import type { Declaration } from '../../declaration/types.js';
import { validateDeclaration } from '../../declaration/validate.js';
import { evaluate } from '../../evaluation/evaluate.js';
import type { CompiledReferential } from '../../referential/compile.js';
import type { Lang } from '../../referential/types.js';
import { formatPath } from '../../util/source.js';
import { checkGaiax } from './checks.js';
import { buildDraft, type LabelLevel1Answers, type Placeholder, type Provenance } from './draft.js';
import type { Fetcher } from './loader.js';
import { type SignatureResult, type SignatureStatus, verifyCredentialProof } from './proof.js';
import { type GaiaxCredential, type GaiaxIssue, readGaiax, typeList } from './read.js';

export interface GaiaxImportOptions {
  /** Missing proofs are errors (default) or warnings. */
  requireProof?: boolean;
  /** Issuers' DID documents, to check signatures offline. */
  didDocuments?: ReadonlyArray<Record<string, unknown>>;
  /** Only when the user allows network access (did:web documents, unknown JSON-LD contexts). */
  fetcher?: Fetcher;
  /** To list what the draft still lacks: the referential whose criteria it will be evaluated against. */
  referential?: CompiledReferential;
  date: string;
  lang: Lang;
}

export interface MissingField {
  /** Declaration path (dotted, as in the referential's `requires`). */
  path: string;
  criteria: string[];
}

export interface GaiaxImport {
  ok: boolean;
  vocabulary: '22.10' | '22.04' | 'mixed' | 'unknown';
  shape: 'presentation' | 'self-description' | 'credential';
  credentials: Array<{
    path: string;
    id?: string;
    issuer?: string;
    types: string[];
    compliance: boolean;
    signature: SignatureResult;
  }>;
  issues: GaiaxIssue[];
  declaration: Declaration | null;
  provenance: Provenance[];
  placeholders: Placeholder[];
  missing: MissingField[];
  labelLevel1?: LabelLevel1Answers;
  /** Evaluation of the draft against the referential: the level it reaches today and status counts. */
  evaluation?: { referential: string; level: string | null; counts: Record<string, number> };
  /** Why no declaration was drafted. */
  reason?: string;
}

export async function importGaiax(input: unknown, options: GaiaxImportOptions): Promise<GaiaxImport> {
  const read = readGaiax(input);
  const issues = [
    ...read.issues,
    ...checkGaiax(read.credentials, { requireProof: options.requireProof ?? true }),
  ];
  const signatures = new Map<GaiaxCredential, SignatureResult>();
  for (const c of read.credentials) {
    const result = await verifyCredentialProof(c.document, {
      ...(options.didDocuments ? { didDocuments: options.didDocuments } : {}),
      ...(options.fetcher ? { fetcher: options.fetcher } : {}),
    });
    signatures.set(c, result);
    if (result.status === 'invalid' && c.document.proof !== undefined) {
      issues.push({
        path: formatPath([...c.segments, 'proof']),
        message: `signature ${result.reason ?? 'invalid'} (${result.verificationMethod ?? 'no key'})`,
        severity: 'error',
        code: 'signature',
      });
    }
  }
  const statuses = new Map<GaiaxCredential, SignatureStatus>([...signatures].map(([c, r]) => [c, r.status]));
  const draft = buildDraft(read.credentials, statuses);
  let declaration = draft.declaration;
  if (declaration) {
    const valid = validateDeclaration(declaration);
    if (!valid.ok) {
      // A draft we built that breaks the format is our bug; say where rather than hand it out.
      for (const i of valid.issues) {
        issues.push({
          path: i.path,
          message: `draft declaration: ${i.message}`,
          severity: 'error',
          code: 'draft',
        });
      }
      declaration = null;
    }
  }
  const result: GaiaxImport = {
    ok: !issues.some((i) => i.severity === 'error'),
    vocabulary: vocabularyOf(read.credentials),
    shape: read.shape,
    credentials: read.credentials.map((c) => ({
      path: formatPath(c.segments),
      ...(c.id ? { id: c.id } : {}),
      ...(c.issuer ? { issuer: c.issuer } : {}),
      types: c.subjects
        .map((s) => s.type ?? '?')
        .concat(c.subjects.length === 0 ? typeList(c.document.type) : []),
      compliance: c.compliance,
      signature: signatures.get(c)!,
    })),
    issues,
    declaration,
    provenance: declaration ? draft.provenance : [],
    placeholders: declaration ? draft.placeholders : [],
    missing: [],
    ...(draft.labelLevel1 ? { labelLevel1: draft.labelLevel1 } : {}),
    ...(draft.reason ? { reason: draft.reason } : {}),
  };
  if (declaration && options.referential) {
    const evaluation = evaluate(options.referential, declaration, { date: options.date, lang: options.lang });
    const missing = new Map<string, string[]>();
    const counts: Record<string, number> = {};
    for (const c of evaluation.criteria) {
      counts[c.status] = (counts[c.status] ?? 0) + 1;
      for (const path of c.missing ?? []) missing.set(path, [...(missing.get(path) ?? []), c.id]);
    }
    result.missing = [...missing]
      .map(([path, criteria]) => ({ path, criteria }))
      .sort((a, b) => a.path.localeCompare(b.path));
    const doc = options.referential.document;
    result.evaluation = { referential: `${doc.id}@${doc.version}`, level: evaluation.level, counts };
  }
  return result;
}

function vocabularyOf(credentials: GaiaxCredential[]): GaiaxImport['vocabulary'] {
  const seen = new Set(
    credentials
      .filter((c) => !c.compliance)
      .flatMap((c) => c.subjects.map((s) => s.vocabulary).filter(Boolean)),
  );
  if (seen.size === 0) return 'unknown';
  return seen.size > 1 ? 'mixed' : ([...seen][0] as '22.10' | '22.04');
}
