/**
 * The edge where errors become HTTP: every refusal leaves as
 * `{ "error": { "code", "message", "field"? } }`; a 5xx never shows its cause to the user.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../domain/errors';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_ACCESS: 401,
  INVALID_RESET_TOKEN: 400,
  CSRF_TOKEN_INVALID: 403,
  FORBIDDEN: 403,
  EDIT_WINDOW_CLOSED: 409,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  MILESTONE_LIMIT: 409,
  MILESTONE_NOT_OPEN: 409,
  MILESTONE_NOT_DELIVERED: 409,
  MILESTONE_ALREADY_PAID: 409,
  MILESTONE_LOCKED: 409,
  MILESTONE_FROZEN: 409,
  REVISION_ROUNDS_USED: 409,
  PAYMENT_AMOUNT_MISMATCH: 409,
  CURRENCY_LOCKED: 409,
  LAST_MILESTONE: 409,
  CHANGE_ORDER_REQUIRED: 409,
  CHANGE_ORDER_CLOSED: 409,
  DISPUTE_OPEN: 409,
  DISPUTE_CLOSED: 409,
  STALE: 409,
  ARCHIVED: 409,
  CONFLICT: 409,
  FILE_LIMIT: 409,
  UPLOADS_IN_PROGRESS: 409,
  UPLOAD_CLOSED: 409,
  PAYMENT_REQUIRED: 402,
  FILE_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  STORAGE_FULL: 507,
  REFUND_TOO_LARGE: 409,
  STRIPE_NOT_CONFIGURED: 409,
  CONTRACT_NOT_ACCEPTED: 409,
  WEBHOOK_SIGNATURE_INVALID: 400,
  PAYMENT_PROVIDER_ERROR: 502,
  MAIL_FAILED: 502,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AMOUNTS_DO_NOT_ADD_UP: 422,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

export function errorBody(code: ErrorCode, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field !== undefined && { field }) } };
}

function fromValidation(
  error: FastifyError & {
    validation: { instancePath: string; message?: string; params: unknown }[];
  },
  context: string,
): ErrorBody {
  const first = error.validation[0];
  const path = (first?.instancePath ?? '').split('/').filter(Boolean);
  const unknownKey = (first?.params as { keys?: unknown } | undefined)?.keys;
  if (Array.isArray(unknownKey) && typeof unknownKey[0] === 'string') {
    const field = [...path, unknownKey[0]].join('.');
    return errorBody('VALIDATION_FAILED', `Unknown field "${field}"`, field);
  }
  const field = path.join('.');
  return errorBody(
    'VALIDATION_FAILED',
    `${field || context}: ${first?.message ?? 'is not valid'}`,
    field || undefined,
  );
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'TOO_MANY_ATTEMPTS';
  return 'BAD_REQUEST';
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(error.retryAfterSeconds));
      return reply
        .status(STATUS[error.code])
        .send(errorBody(error.code, error.message, error.field));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.status(400).send(fromValidation(error, error.validationContext ?? 'request'));
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return reply.status(status).send(errorBody(codeForStatus(status), error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send(errorBody('INTERNAL', 'Something went wrong on our side. It has been logged.'));
  });
}
