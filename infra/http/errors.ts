/**
 * The HTTP API error catalogue: one named class per stable `code`. Route handlers throw these (or
 * return values); `http-errors.ts` is the ONE place that maps them (and fastify's own errors) to
 * status codes and the `{ error: { code, message, details? } }` body.
 */

export const API_ERROR_CODES = [
  'bad-request',
  'validation',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'payload-too-large',
  'unsupported-media-type',
  'upgrade-required',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** One invalid field: where (`/body/name`, `/querystring/topics`) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class ApiError extends Error {
  abstract readonly code: ApiErrorCode;
  /** Per-field problems (validation only). */
  readonly details: readonly FieldError[] | undefined;

  constructor(message: string, options: { cause?: unknown; details?: readonly FieldError[] } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.details = options.details;
  }
}

export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
  readonly code = 'bad-request';
}

export class ValidationError extends ApiError {
  override readonly name = 'ValidationError';
  readonly code = 'validation';
}

export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'unauthorized';
}

export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
  readonly code = 'forbidden';
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  readonly code = 'not-found';
}

export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends ApiError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'payload-too-large';
}

export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly code = 'unsupported-media-type';
}

export class UpgradeRequiredError extends ApiError {
  override readonly name = 'UpgradeRequiredError';
  readonly code = 'upgrade-required';
}

export class UnavailableError extends ApiError {
  override readonly name = 'UnavailableError';
  readonly code = 'unavailable';
}

export class InternalError extends ApiError {
  override readonly name = 'InternalError';
  readonly code = 'internal';
}
