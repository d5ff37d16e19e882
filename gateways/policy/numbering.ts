/**
 * Number normalization to E.164 (ITU-T E.164 §6: "+", country code, national significant number,
 * at most 15 digits, no leading zero) from the way one gateway writes numbers.
 *
 *   clean   drop RFC 3966 §5.1.1 visual separators (space - . ( )) and the "(0)" of "+44 (0)20 ..."
 *   rewrite the first matching rule: strip N leading characters, prepend a string
 *   classify "+..."                          → already E.164
 *           international prefix (00, 011)   → "+" + rest
 *           national prefix (0, 1)           → "+" + country code + rest
 *           nationalDigits.min..max digits   → "+" + country code + digits      (US 10-digit)
 *           shorter, with an area code       → "+" + country code + area + digits (local dialling)
 *   check   7..15 digits after "+", first digit 1-9
 *
 * Outcomes are values: a caller may keep a non-E.164 number (an extension, "anonymous") as it is.
 */
import type { NumberingData } from '../model/gateway-schema.js';

export type NumberingPlan = Readonly<Omit<NumberingData, 'rewrites' | 'nationalDigits'>> & {
  readonly rewrites: readonly Readonly<NumberingData['rewrites'][number]>[];
  readonly nationalDigits?: Readonly<{ min: number; max: number }>;
};

export type NumberForm = 'e164' | 'international' | 'national' | 'national-significant' | 'local';

export type NormalizedNumber =
  | { readonly ok: true; readonly e164: string; readonly form: NumberForm }
  | {
      readonly ok: false;
      readonly reason: 'empty' | 'not-a-number' | 'unknown-format' | 'invalid-length';
      /** The cleaned (and rewritten) input, for logs and for keeping non-E.164 numbers. */
      readonly digits: string;
    };

/** ITU-T E.164 §6.2.1: at most 15 digits; 7 is the shortest number in service (e.g. +683 xxxx). */
const E164 = /^\+[1-9][0-9]{6,14}$/;
const DIALLED = /^\+?[0-9]+$/;

/** RFC 3966 §5.1.1 visual separators, and the "(0)" trunk-prefix hint written after a country code. */
export function cleanNumber(raw: string): string {
  let s = raw.trim();
  if (s.startsWith('+')) s = s.replace(/\(\s*0\s*\)/g, '');
  return s.replace(/[\s\-.()]/g, '');
}

function rewrite(digits: string, plan: NumberingPlan | undefined): string {
  const rule = plan?.rewrites.find((r) => digits.startsWith(r.prefix));
  return rule ? rule.prepend + digits.slice(rule.strip) : digits;
}

function classify(
  d: string,
  plan: NumberingPlan | undefined,
): { e164: string; form: NumberForm } | undefined {
  if (d.startsWith('+')) return { e164: d, form: 'e164' };
  if (!plan) return undefined;
  const cc = plan.countryCode;
  if (d.startsWith(plan.internationalPrefix))
    return { e164: `+${d.slice(plan.internationalPrefix.length)}`, form: 'international' };
  if (plan.nationalPrefix !== '' && d.startsWith(plan.nationalPrefix))
    return { e164: `+${cc}${d.slice(plan.nationalPrefix.length)}`, form: 'national' };
  const nsn = plan.nationalDigits;
  if (nsn && d.length >= nsn.min && d.length <= nsn.max)
    return { e164: `+${cc}${d}`, form: 'national-significant' };
  if (plan.areaCode !== undefined && (!nsn || d.length < nsn.min))
    return { e164: `+${cc}${plan.areaCode}${d}`, form: 'local' };
  return undefined;
}

/** Normalizes one number as written by a gateway with numbering `plan` (none: only "+..." passes). */
export function normalizeNumber(raw: string, plan?: NumberingPlan): NormalizedNumber {
  const cleaned = cleanNumber(raw);
  if (cleaned === '') return { ok: false, reason: 'empty', digits: cleaned };
  if (!DIALLED.test(cleaned)) return { ok: false, reason: 'not-a-number', digits: cleaned };
  const digits = rewrite(cleaned, plan);
  if (digits === '') return { ok: false, reason: 'empty', digits };
  if (!DIALLED.test(digits)) return { ok: false, reason: 'not-a-number', digits };
  const result = classify(digits, plan);
  if (!result) return { ok: false, reason: 'unknown-format', digits };
  if (!E164.test(result.e164)) return { ok: false, reason: 'invalid-length', digits };
  return { ok: true, e164: result.e164, form: result.form };
}
