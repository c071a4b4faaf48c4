/**
 * The one error type of Milepost. Every refusal the product makes has a stable string code;
 * the HTTP edge maps codes to statuses, so the domain never speaks HTTP.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'EDIT_WINDOW_CLOSED'
  | 'CSRF_TOKEN_INVALID'
  | 'INVALID_CREDENTIALS'
  | 'EMAIL_TAKEN'
  | 'TOO_MANY_ATTEMPTS'
  | 'INVALID_ACCESS'
  | 'INVALID_RESET_TOKEN'
  | 'MILESTONE_LIMIT'
  | 'MILESTONE_NOT_OPEN'
  | 'MILESTONE_NOT_DELIVERED'
  | 'MILESTONE_ALREADY_PAID'
  | 'MILESTONE_LOCKED'
  | 'MILESTONE_FROZEN'
  | 'REVISION_ROUNDS_USED'
  | 'AMOUNTS_DO_NOT_ADD_UP'
  | 'PAYMENT_AMOUNT_MISMATCH'
  | 'CURRENCY_LOCKED'
  | 'LAST_MILESTONE'
  | 'CHANGE_ORDER_REQUIRED'
  | 'CHANGE_ORDER_CLOSED'
  | 'DISPUTE_OPEN'
  | 'DISPUTE_CLOSED'
  | 'STALE'
  | 'ARCHIVED'
  | 'CONFLICT'
  | 'FILE_LIMIT'
  | 'FILE_TOO_LARGE'
  | 'UPLOADS_IN_PROGRESS'
  | 'UPLOAD_CLOSED'
  | 'PAYMENT_REQUIRED'
  | 'RANGE_NOT_SATISFIABLE'
  | 'STORAGE_FULL'
  | 'REFUND_TOO_LARGE'
  | 'STRIPE_NOT_CONFIGURED'
  | 'CONTRACT_NOT_ACCEPTED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'PAYMENT_PROVIDER_ERROR'
  | 'MAIL_FAILED'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Seconds the caller should wait, for TOO_MANY_ATTEMPTS. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);
