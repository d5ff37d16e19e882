/**
 * Fastify validator compiler backed by TypeBox (the one schema library): route schemas must be
 * TypeBox types. Query strings, params and headers are converted (strings → numbers/booleans)
 * before checking; bodies are checked as sent. Defaults are applied. A failure is a
 * ValidationError listing every bad field (`/body/name`, `/querystring/topics`).
 */
import { Kind } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { ValidationError } from './errors.js';
import type { FieldError } from './errors.js';

function isTypeBox(schema: unknown): schema is TSchema {
  return typeof schema === 'object' && schema !== null && Kind in schema;
}

export const typeboxValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart, url }) => {
  if (!isTypeBox(schema))
    throw new TypeError(`route ${url}: ${httpPart ?? 'schema'} must be a TypeBox schema`);
  const checker = TypeCompiler.Compile(schema);
  const part = httpPart ?? 'body';
  const convert = part !== 'body';
  return (data: unknown) => {
    let value = convert ? Value.Convert(schema, data) : data;
    value = Value.Default(schema, Value.Clone(value));
    if (checker.Check(value)) return { value };
    return {
      error: new ValidationError(`invalid ${part}`, { details: fieldErrors(checker.Errors(value), part) }),
    };
  };
};

/** Every problem once (TypeBox reports a missing key twice: "required" and "expected <type>"). */
function fieldErrors(
  errors: Iterable<{ type: ValueErrorType; path: string; message: string; value: unknown }>,
  part: string,
): FieldError[] {
  const list = [...errors];
  const missing = new Set(
    list.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path),
  );
  return list
    .filter(
      (e) =>
        e.type === ValueErrorType.ObjectRequiredProperty || !(missing.has(e.path) && e.value === undefined),
    )
    .map((e) => ({
      path: `/${part}${e.path}`,
      message:
        e.type === ValueErrorType.ObjectAdditionalProperties ? 'unknown field' : e.message.toLowerCase(),
    }));
}
