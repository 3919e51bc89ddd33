/** Public API of the credentials module: keys, DIDs, label and status-list credentials, offline verifier. */

export { DEFAULT_MAX_DECODED_BYTES, StatusBitstring, StatusListError } from './bitstring.js';
export * from './constants.js';
export { didDocument, didWebDocumentUrl, didWebFromOrigin, findKey, type ResolvedKey } from './did.js';
export { FileKeyProvider, type FileKeyProviderOptions } from './file-key-provider.js';
export { importVerificationKey, type JwsHeader, type RawSigner, signCompact, verifyCompact } from './jws.js';
export { KeyNotUsableError, type KeyProvider, type RandomBytes } from './keys.js';
export {
  buildLabelCredential,
  CredentialInputError,
  credentialDigest,
  criteriaDigest,
  issueLabelCredential,
  LABEL_LEVELS,
  type LabelCredentialInput,
  SERVICE_MODELS,
  type StatusAllocation,
} from './label-credential.js';
export { MemoryKeyProvider } from './memory-key-provider.js';
export {
  buildStatusListCredential,
  issueStatusListCredential,
  readStatus,
  type StatusListCredentialInput,
} from './status-list.js';
export type * from './types.js';
export * from './verify.js';
