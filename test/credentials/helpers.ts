/** Shared fixtures for the credentials tests: a deterministic issuer, its lists and a label. */
import { createHash } from 'node:crypto';
import {
  didDocument,
  didWebFromOrigin,
  issueLabelCredential,
  issueStatusListCredential,
  type LabelCredentialInput,
  MemoryKeyProvider,
  type RandomBytes,
  StatusBitstring,
} from '../../src/credentials/index.js';

export const T0 = new Date('2026-12-01T00:00:00Z');
export const DAY = 86_400_000;
export const at = (days: number) => new Date(T0.getTime() + days * DAY);

/** Deterministic "randomness": SHA-256 of a label and a counter. */
export function seededRandom(label: string): RandomBytes {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let off = 0; off < size; off += 32) {
      createHash('sha256').update(`${label}:${counter++}`).digest().copy(out, off);
    }
    return out;
  };
}

export const ORIGIN = 'https://label.example';
export const REVOCATION_URL = 'https://label.example/status/revocation/1';
export const SUSPENSION_URL = 'https://label.example/status/suspension/1';

export function labelInput(
  issuer: string,
  overrides: Partial<LabelCredentialInput> = {},
): LabelCredentialInput {
  return {
    id: 'urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    issuer,
    validFrom: T0,
    validUntil: at(365),
    subject: {
      provider: {
        id: 'urn:confiance:provider:acme',
        name: 'ACME Cloud SAS',
        legalId: { scheme: 'SIREN', value: '123456789' },
      },
      offer: { id: 'urn:confiance:offer:acme-compute', name: 'ACME Compute', serviceModel: 'IaaS' },
      level: 'trusted',
      regions: [
        { code: 'fr-par-1', country: 'FR', city: 'Paris' },
        { code: 'fr-lyo-1', country: 'FR' },
      ],
      referential: { id: 'urn:confiance:referential', version: '1.0.0' },
      criteriaDigest: 'a'.repeat(64),
      evidenceDigests: ['b'.repeat(64), 'c'.repeat(64)],
    },
    status: {
      revocation: { index: 4242, listUrl: REVOCATION_URL },
      suspension: { index: 777, listUrl: SUSPENSION_URL },
    },
    ...overrides,
  };
}

export interface Issuer {
  did: string;
  provider: MemoryKeyProvider;
  doc: ReturnType<typeof didDocument>;
  revocation: StatusBitstring;
  suspension: StatusBitstring;
  /** Signs the current bitstrings. */
  lists(validFrom?: Date, validUntil?: Date): Promise<string[]>;
  label(overrides?: Partial<LabelCredentialInput>): Promise<string>;
  refreshDoc(): void;
}

export async function makeIssuer(origin = ORIGIN, seed = origin): Promise<Issuer> {
  const did = didWebFromOrigin(origin);
  const provider = await MemoryKeyProvider.create(T0, { randomBytes: seededRandom(seed) });
  const issuer: Issuer = {
    did,
    provider,
    doc: didDocument(did, provider.keys()),
    revocation: new StatusBitstring(),
    suspension: new StatusBitstring(),
    async lists(validFrom = T0, validUntil = at(400)) {
      return Promise.all([
        issueStatusListCredential(
          {
            id: REVOCATION_URL,
            issuer: did,
            purpose: 'revocation',
            bitstring: issuer.revocation,
            validFrom,
            validUntil,
          },
          provider,
        ),
        issueStatusListCredential(
          {
            id: SUSPENSION_URL,
            issuer: did,
            purpose: 'suspension',
            bitstring: issuer.suspension,
            validFrom,
            validUntil,
          },
          provider,
        ),
      ]);
    },
    label(overrides = {}) {
      return issueLabelCredential(labelInput(did, overrides), provider);
    },
    refreshDoc() {
      issuer.doc = didDocument(did, provider.keys());
    },
  };
  return issuer;
}

export function splitJws(token: string): [Record<string, unknown>, Record<string, unknown>, Buffer] {
  const [h, p, s] = token.split('.') as [string, string, string];
  return [
    JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    Buffer.from(s, 'base64url'),
  ];
}

export function joinJws(header: unknown, payload: unknown, signature: Uint8Array | string): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const sig = typeof signature === 'string' ? signature : Buffer.from(signature).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${sig}`;
}

/** Compact JWS with any header at all: for forging tokens our own signCompact refuses to produce. */
export async function signAnyHeader(
  header: Record<string, unknown>,
  payload: unknown,
  sign: (data: Uint8Array) => Promise<Uint8Array>,
): Promise<string> {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(payload)}`;
  return `${input}.${Buffer.from(await sign(Buffer.from(input))).toString('base64url')}`;
}
