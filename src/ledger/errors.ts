/**
 * The one error type of the ledger module. `reason` is a short, stable phrase that callers and tests may
 * match on ('proof too long', 'missing blank line', ...); `message` adds the specifics (sizes, line
 * numbers, field paths) for people. `line` is set when the error points into a text (a signed note).
 */
export class LedgerError extends Error {
  constructor(
    readonly reason: string,
    message: string = reason,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** The outcome of a check that does not throw: either fine, or the reason it is not. */
export type Check = { ok: true } | Failure;

export interface Failure {
  ok: false;
  reason: string;
  message: string;
}

export const OK: Check = Object.freeze({ ok: true });

export function fail(reason: string, message: string = reason): Failure {
  return { ok: false, reason, message };
}

/** Throws the failure of a check as a LedgerError; the `assert*` variants are built on this. */
export function orThrow(check: Check): void {
  if (!check.ok) throw new LedgerError(check.reason, check.message);
}
