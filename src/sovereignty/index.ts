/** Public API of the sovereignty module: EU Cloud Sovereignty Framework assessment and SEAL gate. */
export { assessSovereignty, SovereigntyError, sealProfile } from './assess.js';
export {
  checkSealGate,
  formatSealGate,
  type GateOutcome,
  type GateStatus,
  parseSealGate,
  type SealGate,
  SealGateError,
  type SealRequirement,
} from './gate.js';
export type * from './types.js';

/** Id of the shipped EU Cloud Sovereignty Framework referential. */
export const SOVEREIGNTY_REFERENTIAL_ID = 'eu-csf';
