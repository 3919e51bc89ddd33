/**
 * Errors raised by use cases. Adapters map them: the API to HTTP statuses, the CLI to exit codes.
 * Messages are written for the person who made the request; they never contain secrets.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media-type'
  | 'rate-limited';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class WorkflowError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export const invalid = (message: string, details: ErrorDetail[] = []) =>
  new WorkflowError('invalid', message, details);
export const forbidden = (message = 'you may not do this') => new WorkflowError('forbidden', message);
export const notFound = (what: string) => new WorkflowError('not-found', `${what} not found`);
export const conflict = (message: string, details: ErrorDetail[] = []) =>
  new WorkflowError('conflict', message, details);
export const unauthenticated = (message = 'authentication required') =>
  new WorkflowError('unauthenticated', message);
