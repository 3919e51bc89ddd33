/**
 * Vocabulary of the offline verifier's answer: the overall statuses, their precedence, and the machine
 * codes. Each problem found is an Issue (status + code + one English sentence); the final status is the
 * highest-precedence status among the issues, 'valid' when there are none.
 */

export type LabelStatus =
  | 'valid'
  | 'revoked'
  | 'suspended'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'unknown-key'
  | 'unknown-issuer'
  | 'malformed';

/** Most severe first. A forged or unreadable token must never be reported as merely "expired". */
export const STATUS_PRECEDENCE: readonly LabelStatus[] = [
  'malformed',
  'unknown-issuer',
  'unknown-key',
  'bad-signature',
  'revoked',
  'suspended',
  'expired',
  'not-yet-valid',
  'valid',
];

export type VerifyCode =
  // the label token itself
  | 'token.malformed'
  | 'header.malformed'
  | 'header.typ'
  | 'header.kid'
  | 'payload.malformed'
  | 'credential.malformed'
  | 'issuer.unknown'
  | 'issuer.unexpected'
  | 'key.unknown'
  | 'key.other-did'
  | 'key.retired-before-issuance'
  | 'alg.not-allowed'
  | 'signature.invalid'
  | 'status.revoked'
  | 'status.suspended'
  | 'validity.expired'
  | 'validity.not-yet-valid'
  // the status lists supplied with it (fail closed: an unusable list never yields 'valid')
  | 'status-list.missing'
  | 'status-list.malformed'
  | 'status-list.purpose-mismatch'
  | 'status-list.index-out-of-range'
  | 'status-list.other-issuer'
  | 'status-list.unknown-key'
  | 'status-list.bad-signature'
  | 'status-list.expired'
  | 'status-list.not-yet-valid'
  // the transparency log proof, when one is supplied
  | 'log.checkpoint-invalid'
  | 'log.entry-mismatch'
  | 'log.not-included'
  | 'log.checker-missing';

/** A class rather than a plain object so that `instanceof` tells it apart from parsed JSON values. */
export class Issue {
  constructor(
    readonly status: Exclude<LabelStatus, 'valid'>,
    readonly code: VerifyCode,
    readonly reason: string,
  ) {}
}

export function issue(status: Issue['status'], code: VerifyCode, reason: string): Issue {
  return new Issue(status, code, reason);
}

export function overallStatus(issues: readonly Issue[]): LabelStatus {
  let best = STATUS_PRECEDENCE.length - 1;
  for (const i of issues) best = Math.min(best, STATUS_PRECEDENCE.indexOf(i.status));
  return STATUS_PRECEDENCE[best]!;
}
