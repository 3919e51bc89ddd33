/**
 * The ledger: the public transparency log of label events and referential publications.
 * Pure domain code (no I/O, no clock, no randomness): RFC 9162 Merkle trees with O(log n) proofs over a
 * storage-agnostic node store, C2SP signed checkpoints, the leaf entry format and the full-log audit.
 */
export {
  appendLeaf,
  appendLeaves,
  appendPlan,
  Frontier,
  type NodeReader,
  type StoredNode,
} from './append.js';
export {
  type AuditFailureKind,
  type AuditInput,
  type AuditLocation,
  type AuditResult,
  auditLog,
} from './audit.js';
export {
  type Checkpoint,
  type CheckpointVerification,
  describeCheckpoint,
  formatCheckpoint,
  type ParsedCheckpoint,
  parseCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
  type TrustedKey,
  toVerifiers,
  type VerifyCheckpointOptions,
  verifyCheckpoint,
} from './checkpoint.js';
export {
  decodeEntry,
  ENTRY_TYPES,
  type EntryType,
  encodeEntry,
  entryLeafHash,
  type LedgerEntry,
  MAX_ENTRY_BYTES,
  validateEntry,
} from './entry.js';
export { type Check, type Failure, LedgerError } from './errors.js';
export { MemoryTree } from './memory.js';
export {
  consistencyProofFromLeaves,
  EMPTY_ROOT,
  HASH_SIZE,
  inclusionProofFromLeaves,
  leafHash,
  nodeHash,
  rootOf,
} from './merkle.js';
export {
  ED25519,
  isValidKeyName,
  keyHash,
  type Note,
  type NoteSignature,
  type NoteSigner,
  type NoteVerification,
  type NoteVerifier,
  openNote,
  parseNote,
  parseVkey,
  signNote,
  verifierFromPublicKey,
  vkeyFromPublicKey,
} from './note.js';
export {
  assembleProof,
  borderNodes,
  consistencyPlan,
  inclusionPlan,
  type NodeHashes,
  type NodeId,
  type ProofPlan,
  rootFromBorder,
} from './plan.js';
export {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  checkRootFromInclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';
