/**
 * THE mapping from errors to HTTP: catalogue codes → status codes, fastify's own errors → catalogue
 * errors, and the JSON body every error response has: `{ error: { code, message, details? } }`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  ApiError,
  BadRequestError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './errors.js';
import type { ApiErrorCode, FieldError } from './errors.js';

const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  'bad-request': 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'upgrade-required': 426,
  unavailable: 503,
  internal: 500,
};

export function httpStatusOf(code: ApiErrorCode): number {
  return HTTP_STATUS[code];
}

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: 'Stable error code (validation, unauthorized, forbidden, not-found, ...)',
      }),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    }),
  },
  { description: 'Error' },
);

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: FieldError[] };
}

export function errorBody(err: ApiError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = [...err.details];
  return body;
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as Partial<FastifyError>).code === 'string';
}

/** Any thrown value → a catalogue error; unknown failures become `internal` without leaking details. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isFastifyError(err)) {
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new PayloadTooLargeError('request body is too large', { cause: err });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new UnsupportedMediaTypeError('unsupported content type; send application/json', {
          cause: err,
        });
      case 'FST_ERR_NOT_FOUND':
        return new NotFoundError('no such route', { cause: err });
    }
  }
  const status = err instanceof Error ? (err as Partial<FastifyError>).statusCode : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500 && err instanceof Error) {
    return new BadRequestError(err.message, { cause: err });
  }
  return new InternalError('internal error', { cause: err });
}

/** Installs the one error handler and the JSON 404 on `app`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    const status = httpStatusOf(apiError.code);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: apiError.code }, apiError.message);
    return reply.code(status).type('application/json').send(errorBody(apiError));
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new NotFoundError(`no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.code(404).type('application/json').send(errorBody(e));
  });
}
