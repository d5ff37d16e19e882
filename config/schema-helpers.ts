/** Small TypeBox builders shared by the config sections: strict objects, string enums, common patterns. */
import { Type } from '@sinclair/typebox';
import type { ObjectOptions, TLiteral, TProperties, TUnion, TObject } from '@sinclair/typebox';

/** An object that rejects unknown keys; a missing section defaults to `{}` so nested defaults apply. */
export function section<P extends TProperties>(properties: P, options: ObjectOptions = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, default: {}, ...options });
}

/** An object item (in a list) that rejects unknown keys and has no default of its own. */
export function item<P extends TProperties>(properties: P, options: ObjectOptions = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A union of string literals (`'a' | 'b'`), which TypeBox reports as one "expected union value" error. */
export function oneOf<const V extends readonly string[]>(
  values: V,
  options: { default?: V[number]; description?: string } = {},
): TUnion<TLiteral<V[number]>[]> {
  return Type.Union(
    values.map((v: V[number]) => Type.Literal(v)),
    options,
  );
}

/** TCP/UDP port; 0 means "any free port" (useful in tests). */
export const Port = (defaultPort: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description });

/** `host:port` with an IPv4 address, a name, or a bracketed IPv6 address. */
export const HOST_PORT_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}$';

/** Identifiers of configured objects (agents, queues, ...) and of the node. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** A configured object referenced by id; later issues add fields (kept strict: unknown keys are errors). */
export const NamedItem = item({
  id: Type.String({ pattern: ID_PATTERN, description: 'Stable identifier (letters, digits, . _ -)' }),
  name: Type.String({ minLength: 1, description: 'Human-readable name' }),
});
