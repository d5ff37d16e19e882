import fc from 'fast-check';
import t from 'tap';
import { normalizeNumber } from './numbering.js';
import type { NumberingPlan } from './numbering.js';

const GERMANY: NumberingPlan = {
  countryCode: '49',
  nationalPrefix: '0',
  internationalPrefix: '00',
  areaCode: '30',
  rewrites: [],
};
const UK: NumberingPlan = { countryCode: '44', nationalPrefix: '0', internationalPrefix: '00', rewrites: [] };
const US: NumberingPlan = {
  countryCode: '1',
  nationalPrefix: '1',
  internationalPrefix: '011',
  areaCode: '212',
  nationalDigits: { min: 10, max: 10 },
  rewrites: [],
};

function e164(raw: string, plan?: NumberingPlan): string {
  const r = normalizeNumber(raw, plan);
  return r.ok ? `${r.e164} (${r.form})` : `! ${r.reason}`;
}

t.test('Germany: national, international, E.164, local with the area code', (t) => {
  t.equal(e164('030 12345678', GERMANY), '+493012345678 (national)');
  t.equal(e164('0151-2345 6789', GERMANY), '+4915123456789 (national)', 'mobile');
  t.equal(e164('0049 30 12345678', GERMANY), '+493012345678 (international)');
  t.equal(e164('+49 (30) 1234-5678', GERMANY), '+493012345678 (e164)');
  t.equal(e164('0044 20 7946 0958', GERMANY), '+442079460958 (international)', 'abroad');
  t.equal(e164('12345678', GERMANY), '+493012345678 (local)', 'Berlin subscriber number');
  t.end();
});

t.test('United Kingdom: 0 and 00, and the "+44 (0)" habit', (t) => {
  t.equal(e164('020 7946 0958', UK), '+442079460958 (national)');
  t.equal(e164('07700 900123', UK), '+447700900123 (national)');
  t.equal(e164('+44 (0)20 7946 0958', UK), '+442079460958 (e164)', '(0) is dropped after a country code');
  t.equal(e164('00 1 212 555 0100', UK), '+12125550100 (international)');
  t.equal(
    e164('7946 0958', UK),
    '! unknown-format',
    'no area code configured: a local number is not guessed',
  );
  t.end();
});

t.test('United States: 1 and 011, 10-digit national numbers, 7-digit local dialling', (t) => {
  t.equal(e164('(212) 555-0100', US), '+12125550100 (national-significant)');
  t.equal(e164('1-212-555-0100', US), '+12125550100 (national)');
  t.equal(e164('011 44 20 7946 0958', US), '+442079460958 (international)');
  t.equal(e164('555-0100', US), '+12125550100 (local)');
  t.equal(e164('+1.212.555.0100', US), '+12125550100 (e164)');
  t.end();
});

t.test('rewrites: strip and prepend before classification, first match wins', (t) => {
  const pbx: NumberingPlan = {
    ...GERMANY,
    rewrites: [
      { prefix: '9', strip: 1, prepend: '' }, // outside-line digit
      { prefix: '+4930', strip: 5, prepend: '0030' }, // odd but legal: ends up international
      { prefix: '1', strip: 0, prepend: '0' }, // GSM gateway sending mobiles without trunk prefix
    ],
  };
  t.equal(e164('9 030 12345678', pbx), '+493012345678 (national)');
  t.equal(e164('+493012345678', pbx), '+3012345678 (international)');
  t.equal(e164('15123456789', pbx), '+4915123456789 (national)');
  t.equal(e164('9', pbx), '! empty', 'nothing left after stripping');
  t.end();
});

t.test('what is not an E.164 number is said so, as a value', (t) => {
  t.equal(e164('', GERMANY), '! empty');
  t.equal(e164('anonymous', GERMANY), '! not-a-number');
  t.equal(e164('*31#0301234', GERMANY), '! not-a-number');
  t.equal(e164('030 1234', undefined), '! unknown-format', 'without a plan only +... passes');
  t.equal(e164('+49301234567', undefined), '+49301234567 (e164)');
  t.equal(e164('+0301234567', GERMANY), '! invalid-length', 'country codes do not start with 0');
  t.equal(e164('+4930', GERMANY), '! invalid-length', 'too short');
  t.equal(e164('0049 30 1234 5678 9012 34', GERMANY), '! invalid-length', 'more than 15 digits');
  const r = normalizeNumber('00 1-212', GERMANY);
  t.same(r, { ok: false, reason: 'invalid-length', digits: '001212' }, 'the cleaned digits are kept');
  t.end();
});

const plans = [GERMANY, UK, US];
const nsn = fc.stringMatching(/^[1-9][0-9]{6,10}$/);

t.test('property: results are E.164, and normalizing again changes nothing', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...plans), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/), (plan, raw) => {
      const r = normalizeNumber(raw, plan);
      if (!r.ok) return true;
      const again = normalizeNumber(r.e164, plan);
      return (
        /^\+[1-9][0-9]{6,14}$/.test(r.e164) && again.ok && again.e164 === r.e164 && again.form === 'e164'
      );
    }),
    { numRuns: 1000 },
  );
  t.pass();
  t.end();
});

t.test('property: national and international forms of a number meet in one E.164', (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...plans), nsn, (plan, n) => {
      const expected = `+${plan.countryCode}${n}`;
      const national = normalizeNumber(`${plan.nationalPrefix}${n}`, plan);
      const international = normalizeNumber(`${plan.internationalPrefix}${plan.countryCode} ${n}`, plan);
      return national.ok && national.e164 === expected && international.ok && international.e164 === expected;
    }),
    { numRuns: 500 },
  );
  t.pass();
  t.end();
});
