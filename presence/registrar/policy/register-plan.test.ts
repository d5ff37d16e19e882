/** planRegister without I/O: each RFC 3261 §10.3 rule once, then properties over random request sequences. */
import fc from 'fast-check';
import t from 'tap';
import type { Binding } from '../model/binding.js';
import { parseContacts } from '../model/contacts.js';
import { DEFAULT_LIMITS, planRegister } from './register-plan.js';
import type { PlanInput, RegisterPlan } from './register-plan.js';

const source = { address: '192.0.2.1', port: 5060, transport: 'udp' };

function input(contact: string | undefined, o: Partial<PlanInput> = {}): PlanInput {
  const contacts = parseContacts(contact);
  if (contacts.kind === 'invalid') throw new Error(contacts.reason);
  return {
    aor: 'sip:a@d',
    agentId: 'a',
    contacts,
    expires: undefined,
    callId: 'c1',
    cseq: 1,
    nowMs: 1_000_000,
    existing: [],
    source,
    userAgent: undefined,
    path: [],
    limits: DEFAULT_LIMITS,
    ...o,
  };
}

function applied(p: RegisterPlan): Extract<RegisterPlan, { kind: 'apply' }> {
  if (p.kind !== 'apply') throw new Error(`rejected: ${p.status} ${p.reason}`);
  return p;
}

t.test('add, refresh and remove; expiry from the Contact, the header or the default', (t) => {
  const add = applied(planRegister(input('<sip:x@1>;expires=120, <sip:y@2>', { expires: 300 })));
  t.same(
    add.added.map((b) => [b.contact, (b.expiresAtMs - 1_000_000) / 1000]),
    [
      ['sip:x@1', 120],
      ['sip:y@2', 300],
    ],
  );
  t.same(add.removals, []);
  const later = { nowMs: 1_060_000, cseq: 2, existing: add.result };
  const refresh = applied(planRegister(input('<sip:x@1>', later)));
  t.same(refresh.added, [], 'a refresh adds no device');
  t.equal(refresh.writes[0]?.registeredAtMs, 1_000_000, 'first registration time kept');
  t.equal(refresh.writes[0]?.expiresAtMs, 1_060_000 + 3600_000, 'default expiry');
  t.equal(refresh.result.length, 2);
  const remove = applied(planRegister(input('<sip:y@2>;expires=0', later)));
  t.same(
    remove.removals.map((b) => b.contact),
    ['sip:y@2'],
  );
  t.same(
    remove.result.map((b) => b.contact),
    ['sip:x@1'],
  );
  const removeUnknown = applied(planRegister(input('<sip:z@3>;expires=0', later)));
  t.same(
    [removeUnknown.writes, removeUnknown.removals, removeUnknown.result.length],
    [[], [], 2],
    'nothing to remove is fine',
  );
  t.end();
});

t.test('rejections: 423 (only under an hour), *, out-of-order, too many', (t) => {
  t.match(planRegister(input('<sip:x@1>;expires=59')), { kind: 'reject', status: 423, minExpiresS: 60 });
  const long = { ...DEFAULT_LIMITS, minExpiresS: 3599 };
  t.match(planRegister(input('<sip:x@1>;expires=3598', { limits: long })), { status: 423 });
  t.equal(planRegister(input('<sip:x@1>;expires=0')).kind, 'apply', 'expires 0 is never too brief');
  t.match(planRegister(input('*', { expires: 5 })), { status: 400 });
  t.match(planRegister(input('*')), { status: 400 }, 'Contact: * without Expires');
  const existing = applied(planRegister(input('<sip:x@1>', { cseq: 5 }))).result;
  t.match(planRegister(input('<sip:x@1>', { cseq: 5, existing })), { status: 500 });
  t.match(planRegister(input('*', { expires: 0, cseq: 4, existing })), { status: 500 });
  t.equal(planRegister(input('*', { expires: 0, cseq: 4, callId: 'other', existing })).kind, 'apply');
  const limits = { ...DEFAULT_LIMITS, maxBindingsPerAor: 1 };
  t.match(planRegister(input('<sip:y@2>', { existing, cseq: 6, limits })), { status: 403 });
  t.equal(
    planRegister(input('<sip:x@1>;expires=0', { existing, cseq: 6, limits })).kind,
    'apply',
    'removing is allowed at the limit',
  );
  t.end();
});

t.test('a query (no Contact) lists and changes nothing', (t) => {
  const existing = applied(planRegister(input('<sip:x@1>'))).result;
  t.same(planRegister(input(undefined, { existing, cseq: 1 })), {
    kind: 'apply',
    writes: [],
    removals: [],
    added: [],
    result: existing,
  });
  t.end();
});

const device = fc.constantFrom('<sip:p@1>', '<sip:q@2>', '<sip:r@3>', '<sip:s@4>');
const request = fc.record({
  contacts: fc.oneof(
    fc.constant('*'),
    fc.uniqueArray(device, { minLength: 1, maxLength: 3 }).map((d) => d.join(', ')),
  ),
  expires: fc.option(fc.constantFrom(0, 30, 60, 600, 7200), { nil: undefined }),
  callId: fc.constantFrom('c1', 'c2'),
  advanceS: fc.integer({ min: 0, max: 4000 }),
});

t.test('properties: keys unique, within limits, only live bindings, * empties', (t) => {
  fc.assert(
    fc.property(fc.array(request, { maxLength: 25 }), (requests) => {
      let existing: readonly Binding[] = [];
      let nowMs = 0;
      let cseq = 0;
      for (const r of requests) {
        nowMs += r.advanceS * 1000;
        existing = existing.filter((b) => b.expiresAtMs > nowMs);
        const plan = planRegister(
          input(r.contacts, {
            expires: r.expires,
            callId: r.callId,
            cseq: ++cseq,
            nowMs,
            existing,
            limits: { ...DEFAULT_LIMITS, maxBindingsPerAor: 3 },
          }),
        );
        if (plan.kind === 'reject') continue;
        const keys = plan.result.map((b) => b.key);
        if (new Set(keys).size !== keys.length) return false;
        if (plan.result.length > 3 && plan.writes.length > 0) return false;
        for (const b of plan.result) {
          if (b.expiresAtMs <= nowMs || b.expiresAtMs > nowMs + DEFAULT_LIMITS.maxExpiresS * 1000)
            return false;
        }
        if (r.contacts === '*' && plan.result.length !== 0) return false;
        existing = plan.result;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('held for 300 random request sequences');
  t.end();
});
