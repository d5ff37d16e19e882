/**
 * Checks of a PUBLISH request's precondition and body, as values (RFC 3903 §6 steps 3 and 5):
 * SIP-If-Match must hold one entity-tag; the body must be small enough, of the presence package's
 * type (application/pidf+xml, RFC 3856 §6.5) and a well-formed PIDF document (RFC 3863).
 */
import { parsePidf, PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { PidfDocument } from '../../codecs/pidf-types.js';

export type BodyCheck =
  | { readonly ok: true; readonly document: PidfDocument }
  | {
      readonly ok: false;
      readonly problem: 'too-large' | 'wrong-type' | 'malformed';
      readonly detail: string;
    };

/** The media type of a Content-Type value (RFC 3261 §20.15), lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? undefined : type;
}

/** RFC 3903 §11.3.2: SIP-If-Match = entity-tag = token; anything else (several tags, empty) is invalid. */
export function singleEntityTag(value: string): string | undefined {
  const tag = value.trim();
  return /^[A-Za-z0-9\-.!%*_+`'~]+$/.test(tag) ? tag : undefined;
}

export function checkPidfBody(contentType: string | undefined, body: string, maxBytes: number): BodyCheck {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) return { ok: false, problem: 'too-large', detail: `${bytes} bytes` };
  const type = mediaType(contentType);
  if (type !== PIDF_CONTENT_TYPE) return { ok: false, problem: 'wrong-type', detail: type ?? 'none' };
  const parsed = parsePidf(body, { maxBytes });
  if (!parsed.ok) {
    const problem = parsed.error.code === 'too-large' ? 'too-large' : 'malformed';
    return { ok: false, problem, detail: parsed.error.message };
  }
  return { ok: true, document: parsed.value };
}
