/**
 * Errors the CLI reports to people: a message, optional details (path + message), and an exit code.
 * Anything else that escapes is a bug, reported as such without a stack trace unless CONFIANCE_DEBUG is set.
 */
export interface ErrorDetail {
  /** Where the problem is: a JSON path (`$.offer.regions[0].country`), `file:line`, or a flag name. */
  path: string;
  message: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT = {
  ok: 0,
  /** A completed run whose verdict is negative (denied placement, invalid label, failed log audit). */
  negative: 1,
  /** Bad input: unreadable file, invalid JSON/YAML, schema errors, bad flags. */
  badInput: 2,
  /** The tool could not do its job for a reason outside the input (I/O, server unreachable). */
  failure: 3,
} as const;

export function formatError(err: unknown): { text: string; exitCode: number } {
  if (err instanceof CliError) {
    const lines = [`error: ${err.message}`];
    for (const d of err.details) lines.push(`  - ${d.path}: ${d.message}`);
    return { text: lines.join('\n'), exitCode: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  const debug = process.env.CONFIANCE_DEBUG && err instanceof Error ? `\n${err.stack}` : '';
  return { text: `error: unexpected failure: ${message}${debug}`, exitCode: EXIT.failure };
}
