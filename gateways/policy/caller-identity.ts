/**
 * Who is calling, from the headers an operator trusts for a gateway, in the trusted order
 * (default P-Asserted-Identity, Remote-Party-ID, From): the first source that yields a number wins;
 * sources not in the list are ignored even when present (an untrusted peer can write any PAI).
 *
 * `restricted` says the caller asked not to be shown (the identity may still be used for routing,
 * e.g. personal customers, but not displayed to agents):
 *   - Privacy: id (RFC 3325 §9.3), user or header (RFC 3323 §4.2);
 *   - Remote-Party-ID ;privacy=full or uri (draft-ietf-sip-privacy-04 §6; never an RFC);
 *   - an anonymous From (RFC 3323 §4.1.1.3: "Anonymous" <sip:anonymous@anonymous.invalid>).
 */
import { parseUri } from '../../sip-engine/message/uri.js';
import type { CallerSource } from '../model/gateway-schema.js';
import { headerEntries, uriParty } from './party-headers.js';
import type { HeaderEntry, HeaderView, PartyIdentity } from './party-headers.js';

export type CallerIdentity = PartyIdentity<CallerSource>;

export type CallerResult =
  | { readonly found: true; readonly identity: CallerIdentity; readonly restricted: boolean }
  | { readonly found: false; readonly restricted: boolean };

interface Reading {
  party: CallerIdentity | undefined;
  restricted: boolean;
}

function isAnonymous(uri: string): boolean {
  try {
    const u = parseUri(uri);
    return u.user?.toLowerCase() === 'anonymous' || u.host.toLowerCase() === 'anonymous.invalid';
  } catch {
    return false;
  }
}

function party(source: CallerSource, e: HeaderEntry, withName = true): CallerIdentity | undefined {
  if (isAnonymous(e.uri)) return undefined;
  return uriParty(source, e.uri, withName ? e.displayName : undefined);
}

/** RFC 3325 §9.1: one or two values, a sip/sips URI and/or a tel URI; the tel URI is the number. */
function readPai(headers: HeaderView): Reading {
  const parties = headerEntries(headers.get('p-asserted-identity')).flatMap((e) => party('pai', e) ?? []);
  return { party: parties.find((p) => p.scheme === 'tel') ?? parties[0], restricted: false };
}

/** Remote-Party-ID: the first entry with party=calling (the default when the parameter is absent). */
function readRpid(headers: HeaderView): Reading {
  const entry = headerEntries(headers.get('remote-party-id')).find(
    (e) => (e.params.get('party') ?? 'calling')?.toLowerCase() === 'calling',
  );
  if (!entry) return { party: undefined, restricted: false };
  const privacy = (entry.params.get('privacy') ?? 'off')?.toLowerCase();
  return {
    party: party('rpid', entry, privacy !== 'name'),
    restricted: privacy === 'full' || privacy === 'uri' || isAnonymous(entry.uri),
  };
}

function readFrom(headers: HeaderView): Reading {
  const entry = headerEntries(headers.get('from'))[0];
  if (!entry) return { party: undefined, restricted: false };
  return { party: party('from', entry), restricted: isAnonymous(entry.uri) };
}

const READERS: Readonly<Record<CallerSource, (h: HeaderView) => Reading>> = {
  pai: readPai,
  rpid: readRpid,
  from: readFrom,
};

/** RFC 3323 §4.2: priv-value *(";" priv-value). */
function privacyRequested(headers: HeaderView): boolean {
  const values = (headers.get('privacy') ?? '').split(/[;,]/).map((v) => v.trim().toLowerCase());
  return values.some((v) => v === 'id' || v === 'user' || v === 'header');
}

/** The caller per `trust` (sources in the order believed). */
export function extractCaller(headers: HeaderView, trust: readonly CallerSource[]): CallerResult {
  let restricted = privacyRequested(headers);
  for (const source of trust) {
    const reading = READERS[source](headers);
    restricted ||= reading.restricted;
    if (reading.party) return { found: true, identity: reading.party, restricted };
  }
  return { found: false, restricted };
}
