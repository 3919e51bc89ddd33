/**
 * One error shape for every failure: `{ error, message, details: [{ path, message }] }` with the status
 * that fits. Unexpected errors are logged with their stack and answered without one.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowError } from '../workflow/errors.js';

const STATUS: Record<WorkflowError['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
};

const CODE: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_error',
};

export interface ErrorBody {
  error: string;
  message: string;
  details: Array<{ path: string; message: string }>;
}

export function errorBody(status: number, message: string, details: ErrorBody['details'] = []): ErrorBody {
  return { error: CODE[status] ?? 'error', message, details };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  message: string,
  details: ErrorBody['details'] = [],
) {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="confiance"');
  return reply
    .code(status)
    .type('application/json')
    .send(errorBody(status, message, details));
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof WorkflowError) {
    return sendError(reply, STATUS[error.kind], error.message, error.details);
  }
  if (error.validation) {
    const details = error.validation.map((v) => {
      const where = error.validationContext ?? 'body';
      const base = (v.instancePath || '').replace(/\//g, '.');
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const path = `${where === 'body' ? '$' : where}${base}${missing ? `.${missing}` : ''}${extra ? `.${extra}` : ''}`;
      return { path, message: extra ? 'unknown property' : (v.message ?? 'is invalid') };
    });
    return sendError(reply, 400, `invalid ${error.validationContext ?? 'request'}`, details);
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return sendError(reply, 429, error.message || 'too many requests, slow down');
  if (status === 413) return sendError(reply, 413, 'request body too large');
  if (status === 415) return sendError(reply, 415, error.message);
  if (status >= 400 && status < 500) return sendError(reply, status, error.message);
  request.log.error({ err: error }, 'unexpected error');
  return sendError(reply, 500, 'internal error');
}
