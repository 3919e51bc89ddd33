/**
 * `confiance/verify`: the entry point relying parties import to verify a label offline. It bundles the
 * pure verifier with the ledger's proof checks and the issuance-entry matcher, and imports nothing that
 * touches a server or a database.
 */
import {
  type DidDocument,
  type VerifyLabelOptions,
  type VerifyLabelResult,
  verifyLabel,
} from './credentials/verify.js';
import * as ledger from './ledger/index.js';

export * from './credentials/verify.js';
export {
  type PlacementReceipt,
  type ReceiptVerification,
  verifyPlacementReceipt,
} from './placement/receipt.js';

/** The log's verifier keys: the issuer's keys (active and retired) under the log's key name. */
export function logKeysFromDidDocument(doc: DidDocument, logOrigin: string) {
  return (doc.verificationMethod ?? [])
    .map((m) => m.publicKeyJwk as { kty?: string; crv?: string; x?: string })
    .filter((jwk) => jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string')
    .map((jwk) => ({ name: logOrigin, publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) }));
}

export interface InclusionBundle {
  leafIndex: number;
  entry: string;
  proof: string[];
  checkpoint: string;
}

/** The origin line of a checkpoint note (its first line). */
export function checkpointOrigin(note: string): string {
  return note.split('\n', 1)[0] ?? '';
}

/**
 * Verifies a label with what a relying party downloaded: the issuer's DID document, the status lists and,
 * optionally, the label's inclusion bundle (entry, proof, checkpoint). The log key is the issuer's key.
 */
export function verifyLabelOffline(
  token: string,
  input: {
    didDocument: DidDocument;
    statusLists?: string[];
    inclusion?: InclusionBundle;
    now: Date;
    expectedIssuer?: string;
  },
): Promise<VerifyLabelResult> {
  const options: VerifyLabelOptions = {
    didDocuments: [input.didDocument],
    now: input.now,
    ...(input.statusLists ? { statusLists: input.statusLists } : {}),
    ...(input.expectedIssuer ? { expectedIssuer: input.expectedIssuer } : {}),
  };
  if (input.inclusion) {
    const origin = checkpointOrigin(input.inclusion.checkpoint);
    options.inclusion = input.inclusion;
    options.logKeys = logKeysFromDidDocument(input.didDocument, origin);
    options.logChecker = ledger;
    options.logOrigin = origin;
  }
  return verifyLabel(token, options);
}
