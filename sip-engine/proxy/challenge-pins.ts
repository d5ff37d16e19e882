/**
 * Protocol spec §3.8 / §3.6: when a branch answers 401/407 with a challenge, the proxy remembers
 * (nonce, realm) → that branch's destination for 2 s, so the credentialed retry (RFC 3261 §22.2,
 * §22.3) is proxied to the same target that issued the challenge.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { Clock, TimerHandle } from '../util/clock.js';

export const CHALLENGE_PIN_MS = 2000;

interface Pin {
  realm: string;
  destination: string;
  timer: TimerHandle;
}

function authParam(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"([^"]*)"|([^\\s,]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** RFC 3261 §20.44 / §20.27: the challenge in a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate). */
export function challengeOf(response: SipMessage): { realm: string; nonce: string } | undefined {
  const value = response.get('www-authenticate') ?? response.get('proxy-authenticate');
  if (value === undefined) return undefined;
  const realm = authParam(value, 'realm');
  const nonce = authParam(value, 'nonce');
  return realm !== undefined && nonce !== undefined ? { realm, nonce } : undefined;
}

/** RFC 3261 §20.7 / §20.28: the credentials of a retried request (Authorization or Proxy-Authorization). */
export function credentialsOf(request: SipMessage): { realm: string; nonce: string } | undefined {
  for (const value of [...request.getAll('authorization'), ...request.getAll('proxy-authorization')]) {
    const realm = authParam(value, 'realm');
    const nonce = authParam(value, 'nonce');
    if (realm !== undefined && nonce !== undefined) return { realm, nonce };
  }
  return undefined;
}

export class ChallengePins {
  readonly #clock: Clock;
  readonly #pins = new Map<string, Pin>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Remembers the challenge of `response` (from `destination`); false when it carries none. */
  remember(response: SipMessage, destination: string): boolean {
    const c = challengeOf(response);
    if (!c) return false;
    this.#pins.get(c.nonce)?.timer.cancel();
    const timer = this.#clock.setTimer(() => this.#pins.delete(c.nonce), CHALLENGE_PIN_MS);
    this.#pins.set(c.nonce, { realm: c.realm, destination, timer });
    return true;
  }

  /** The destination that challenged, if `request` answers a remembered challenge (used once). */
  take(request: SipMessage): string | undefined {
    const c = credentialsOf(request);
    if (!c) return undefined;
    const pin = this.#pins.get(c.nonce);
    if (!pin || pin.realm !== c.realm) return undefined;
    pin.timer.cancel();
    this.#pins.delete(c.nonce);
    return pin.destination;
  }

  get size(): number {
    return this.#pins.size;
  }

  clear(): void {
    for (const pin of this.#pins.values()) pin.timer.cancel();
    this.#pins.clear();
  }
}
