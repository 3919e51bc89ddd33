/**
 * A label as a Gaia-X-style label credential: the shape of the Gaia-X `gx:LabelCredential` (label level,
 * rules version, compliant credentials) in a W3C VC 1.1 JSON-LD document, with the integrity of every input
 * it covers computed as the Gaia-X compliance service does: SHA-256 over the RFC 8785 (JCS) canonical JSON,
 * given both as `gx:integrity` (`sha256-<hex>`, 22.10) and `cred:digestSRI` (`sha256-<base64>`, 24.x+).
 *
 * Level mapping: each level of our referential names the Gaia-X label level whose requirements it covers
 * in substance (`gaiaxLabelLevel`: 0 Standard Compliance, 1 Label Level 1, 2 Level 2, 3 Level 3). The
 * credential is issued by our authority, not by a Gaia-X Digital Clearing House: it states the mapping,
 * it does not confer a Gaia-X label.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { signJsonWithProvider } from '../../credentials/jws.js';
import type { KeyProvider } from '../../credentials/keys.js';
import type { ReferentialDocument } from '../../referential/types.js';
import { KNOWN_PREFIXES } from './vocab.js';

export const GAIAX_LABEL_LEVELS = ['SC', 'L1', 'L2', 'L3'] as const;
export type GaiaxLabelLevel = (typeof GAIAX_LABEL_LEVELS)[number];

export const CONFIANCE_GAIAX_NS = 'https://confiance.dev/ns/gaiax#';

/** One input the label covers, digested as the compliance service digests the credentials it checks. */
export interface CoveredInput {
  id: string;
  /** `confiance:LabelCredential`, `confiance:Declaration`, `confiance:Referential`, or a gx type. */
  type: string;
  document: unknown;
}

export interface GaiaxLabelInput {
  /** The decoded payload of our label credential (VC 2.0). */
  label: {
    id: string;
    issuer: string;
    validFrom: string;
    validUntil: string;
    credentialSubject: {
      id: string;
      level: string;
      provider: { id: string; name: string };
      offer: { id: string; name: string };
      referential: { id: string; version: string };
    };
  };
  referential: ReferentialDocument;
  /** Inputs besides the label credential itself (declaration, referential, Gaia-X credentials). */
  covered?: CoveredInput[];
}

export class GaiaxExportError extends Error {
  override name = 'GaiaxExportError';
}

/** The Gaia-X label level a level of ours maps to, from the referential. */
export function gaiaxLevelOf(referential: ReferentialDocument, level: string): GaiaxLabelLevel {
  const def = referential.levels.find((l) => l.id === level);
  if (!def)
    throw new GaiaxExportError(`level ${level} is not a level of ${referential.id}@${referential.version}`);
  if (def.gaiaxLabelLevel === undefined) {
    throw new GaiaxExportError(
      `level ${level} of ${referential.id}@${referential.version} names no Gaia-X label level`,
    );
  }
  return GAIAX_LABEL_LEVELS[def.gaiaxLabelLevel]!;
}

/** `gx:integrity` and `cred:digestSRI` of a JSON document (RFC 8785 canonical form, SHA-256). */
export function jcsDigests(document: unknown): { integrity: string; digestSRI: string } {
  const canonical = canonicalize(document);
  if (canonical === undefined) throw new GaiaxExportError('a covered input is not JSON-serialisable');
  const digest = createHash('sha256').update(canonical).digest();
  return { integrity: `sha256-${digest.toString('hex')}`, digestSRI: `sha256-${digest.toString('base64')}` };
}

/** Pure: the same label and inputs give the same document, byte for byte once serialised. */
export function buildGaiaxLabelCredential(input: GaiaxLabelInput): Record<string, unknown> {
  const { label, referential } = input;
  const s = label.credentialSubject;
  if (s.referential.id !== referential.id || s.referential.version !== referential.version) {
    throw new GaiaxExportError(
      `the label was granted under ${s.referential.id}@${s.referential.version}, not ${referential.id}@${referential.version}`,
    );
  }
  const level = gaiaxLevelOf(referential, s.level);
  const covered: CoveredInput[] = [
    { id: label.id, type: 'confiance:LabelCredential', document: label },
    ...(input.covered ?? []),
  ];
  return {
    '@context': [
      'https://www.w3.org/2018/credentials/v1',
      'https://w3id.org/security/suites/jws-2020/v1',
      KNOWN_PREFIXES.gx,
      { confiance: CONFIANCE_GAIAX_NS, cred: 'https://www.w3.org/2018/credentials#' },
    ],
    type: ['VerifiableCredential'],
    id: `${label.id}#gaia-x`,
    issuer: label.issuer,
    issuanceDate: label.validFrom,
    expirationDate: label.validUntil,
    credentialSubject: {
      type: 'gx:LabelCredential',
      id: s.id,
      'gx:labelLevel': level,
      'gx:rulesVersion': `${referential.id}@${referential.version}`,
      'gx:engineVersion': 'confiance',
      'confiance:level': s.level,
      'confiance:provider': { id: s.provider.id, 'gx:legalName': s.provider.name },
      'confiance:offer': { id: s.offer.id, 'gx:name': s.offer.name },
      'gx:compliantCredentials': covered.map((c) => {
        const d = jcsDigests(c.document);
        return {
          type: 'gx:CompliantCredential',
          id: c.id,
          'gx:credentialType': c.type,
          'cred:digestSRI': d.digestSRI,
          'gx:integrity': d.integrity,
          'gx:integrityNormalization': 'RFC8785:JCS',
          'gx:version': '22.10',
        };
      }),
    },
  };
}

/** Signed by the authority's active key as a JWT (the VC JSON is the payload), as Gaia-X 24.x+ issues labels. */
export function signGaiaxLabelCredential(
  credential: Record<string, unknown>,
  did: string,
  keys: KeyProvider,
): Promise<string> {
  return signJsonWithProvider(credential, did, keys, { typ: 'vc+ld+json+jwt', cty: 'vc+ld+json' });
}
