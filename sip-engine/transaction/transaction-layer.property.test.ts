/**
 * Property: for random interleavings of requests, retransmissions, ACKs, TU responses, peer
 * responses, transport failures and clock advances,
 * - nothing is ever sent by (or on behalf of) a terminated transaction;
 * - retransmissions never reach the TU and ACKs for non-2xx finals are absorbed;
 * - 64·T1 + T4 after the last event, every transaction has terminated except those waiting, as the
 *   RFC wants, for a final response nobody gave (server: the TU's; INVITE client: the peer's), and
 *   no timer is armed; once those get their final response, 64·T1 + T4 later nothing is left.
 */
import fc from 'fast-check';
import t from 'tap';
import { flushPromises, headerValues } from '../../test-support/fake-transport.js';
import type { SipMessage } from '../message/sip-message.js';
import { IllegalTransitionError } from './errors.js';
import { inbound, makeWorld, request, response, source, target } from './test-fixtures.js';
import type { ClientTransaction, ServerTransaction } from './types.js';

type Op =
  | { kind: 'server-new'; invite: boolean; reliable: boolean; legacy: boolean }
  | { kind: 'server-again'; i: number }
  | { kind: 'server-ack'; i: number; sameBranch: boolean }
  | { kind: 'tu-respond'; i: number; status: number }
  | { kind: 'client-new'; invite: boolean; reliable: boolean }
  | { kind: 'peer-respond'; i: number; status: number }
  | { kind: 'flaky'; on: boolean }
  | { kind: 'advance'; ms: number };

const status = fc.constantFrom(100, 180, 200, 202, 404, 486, 503);
const index = fc.nat(15);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('server-new'),
    invite: fc.boolean(),
    reliable: fc.boolean(),
    legacy: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('server-again'), i: index }),
  fc.record({ kind: fc.constant('server-ack'), i: index, sameBranch: fc.boolean() }),
  fc.record({ kind: fc.constant('tu-respond'), i: index, status }),
  fc.record({ kind: fc.constant('client-new'), invite: fc.boolean(), reliable: fc.boolean() }),
  fc.record({ kind: fc.constant('peer-respond'), i: index, status }),
  fc.record({ kind: fc.constant('flaky'), on: fc.boolean() }),
  fc.record({
    kind: fc.constant('advance'),
    ms: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 40000 })),
  }),
);

interface ServerEntry {
  req: SipMessage;
  reliable: boolean;
  txn: ServerTransaction | undefined;
}
interface ClientEntry {
  req: SipMessage;
  reliable: boolean;
  txn: ClientTransaction;
}

const from = (reliable: boolean) => source(reliable ? 'tcp' : 'udp');
const pick = <T>(list: T[], i: number): T | undefined => list[i % Math.max(1, list.length)];

/** One run: a layer on a FakeClock, the model of what was created, and the violations seen. */
class Scenario {
  readonly violations: string[] = [];
  readonly quietMs: number;
  readonly world;
  readonly servers: ServerEntry[] = [];
  readonly clients: ClientEntry[] = [];
  /** Call-ID → the live transaction that owns it (each transaction gets its own Call-ID). */
  readonly owner = new Map<string, { readonly state: string }>();
  flaky = false;
  requestEvents = 0;

  constructor(t1Ms: number) {
    const timers = { t1Ms, t2Ms: 4000, t4Ms: 5000 };
    this.quietMs = 64 * t1Ms + timers.t4Ms;
    this.world = makeWorld(timers);
    const { transport, layer } = this.world;
    transport.failWhen = () => (this.flaky ? new Error('flaky network') : undefined);
    transport.onSend = (rec) => {
      const callId = headerValues(rec.text, 'call-id')[0] ?? '';
      if (this.owner.get(callId)?.state === 'terminated')
        this.violations.push(`sent when terminated: ${rec.firstLine}`);
    };
    layer.on('request', (m, txn) => this.#record(m.message, txn));
    layer.on('cancel', (m, txn) => this.#record(m.message, txn));
  }

  #record(m: SipMessage, txn: ServerTransaction | undefined): void {
    this.requestEvents++;
    const entry = this.servers.find((s) => s.req.get('call-id') === m.get('call-id'));
    if (!entry || !txn) return;
    if (entry.txn && entry.txn.state !== 'terminated') this.violations.push('retransmission reached the TU');
    entry.txn = txn;
    this.owner.set(m.get('call-id') ?? '', txn);
  }

  readonly handlers = {
    onResponse: (_r: unknown, txn: ClientTransaction) => {
      if (txn.state === 'terminated') this.violations.push('response passed up after termination');
    },
    onTimeout: () => undefined,
    onTransportError: () => undefined,
  };

  async respond(txn: ServerTransaction, req: SipMessage, code: number): Promise<void> {
    await txn.respond(response(req, code)).catch((err: unknown) => {
      const expected =
        err instanceof IllegalTransitionError || (err instanceof Error && err.message === 'flaky network');
      if (!expected) this.violations.push(`respond rejected with ${String(err)}`);
    });
  }

  async apply(o: Op): Promise<void> {
    switch (o.kind) {
      case 'server-new':
        return this.serverNew(o.invite, o.reliable, o.legacy);
      case 'server-again':
        return this.serverAgain(o.i);
      case 'server-ack':
        return this.serverAck(o.i, o.sameBranch);
      case 'tu-respond': {
        const s = pick(this.servers, o.i);
        if (s?.txn) await this.respond(s.txn, s.req, o.status);
        return;
      }
      case 'client-new':
        return this.clientNew(o.invite, o.reliable);
      case 'peer-respond': {
        const c = pick(this.clients, o.i);
        if (c) this.world.layer.receive(inbound(response(c.req, o.status), from(c.reliable)));
        return;
      }
      case 'flaky':
        this.flaky = o.on;
        return;
      case 'advance':
        return this.world.clock.advance(o.ms);
    }
  }

  serverNew(invite: boolean, reliable: boolean, legacy: boolean): void {
    const n = this.servers.length;
    const req = request({
      method: invite ? 'INVITE' : 'OPTIONS',
      branch: legacy ? null : `z9hG4bK-s${n}`,
      transport: reliable ? 'TCP' : 'UDP',
      callId: `s${n}`,
    });
    this.servers.push({ req, reliable, txn: undefined });
    this.world.layer.receive(inbound(req, from(reliable)));
  }

  serverAgain(i: number): void {
    const s = pick(this.servers, i);
    if (!s) return;
    const before = this.requestEvents;
    const alive = s.txn !== undefined && s.txn.state !== 'terminated';
    this.world.layer.receive(inbound(s.req, from(s.reliable)));
    if (alive && this.requestEvents !== before) this.violations.push('retransmission not absorbed');
  }

  serverAck(i: number, sameBranch: boolean): void {
    const s = pick(this.servers, i);
    if (!s || s.req.method !== 'INVITE') return;
    const callId = s.req.get('call-id') ?? '';
    const legacy = !(s.req.get('via') ?? '').includes('branch=');
    const branch = sameBranch
      ? legacy
        ? null
        : `z9hG4bK-${callId}`
      : `z9hG4bK-ack-${this.world.clock.now()}`;
    const transport = s.reliable ? 'TCP' : 'UDP';
    const ack = request({ method: 'ACK', branch, transport, callId, toTag: 'to1' });
    const before = this.requestEvents;
    const state = s.txn?.state;
    this.world.layer.receive(inbound(ack, from(s.reliable)));
    if (sameBranch && (state === 'completed' || state === 'confirmed') && this.requestEvents !== before) {
      this.violations.push('ACK for a non-2xx reached the TU');
    }
  }

  clientNew(invite: boolean, reliable: boolean): void {
    const n = this.clients.length;
    const req = request({
      method: invite ? 'INVITE' : 'MESSAGE',
      branch: `z9hG4bK-c${n}`,
      transport: reliable ? 'TCP' : 'UDP',
      callId: `c${n}`,
    });
    const txn = this.world.layer.sendRequest(req, target(reliable ? 'tcp' : 'udp'), this.handlers);
    txn.sent.catch(() => undefined);
    this.owner.set(`c${n}`, txn);
    this.clients.push({ req, reliable, txn });
  }

  /** Phase 1: after 64·T1 + T4 of quiet only RFC-sanctioned waits remain, with no timer armed. */
  checkQuiet(): void {
    for (const s of this.servers) {
      const st = s.txn?.state;
      const waiting = (st === 'trying' || st === 'proceeding') && (s.txn?.lastResponse?.status ?? 100) < 200;
      if (st !== undefined && st !== 'terminated' && !waiting) this.violations.push(`server alive in ${st}`);
    }
    for (const c of this.clients) {
      const st = c.txn.state;
      if (st !== 'terminated' && !(c.txn.isInvite && st === 'proceeding'))
        this.violations.push(`client alive in ${st}`);
    }
    const pending = this.world.clock.pending;
    if (pending !== 0) this.violations.push(`${pending} timers armed after the quiet period`);
  }

  /** Phase 2: the missing finals arrive (from the TU, from the peer). */
  async finishWaiting(): Promise<void> {
    this.flaky = false;
    for (const s of this.servers)
      if (s.txn && s.txn.state !== 'terminated') await this.respond(s.txn, s.req, 486);
    for (const c of this.clients) {
      if (c.txn.state !== 'terminated')
        this.world.layer.receive(inbound(response(c.req, 487), from(c.reliable)));
    }
  }

  checkEmpty(): void {
    const { layer, clock } = this.world;
    if (layer.size.client !== 0 || layer.size.server !== 0)
      this.violations.push(`alive: ${JSON.stringify(layer.size)}`);
    if (clock.pending !== 0) this.violations.push(`${clock.pending} timers armed at the end`);
  }
}

async function run(ops: Op[], t1Ms: number): Promise<void> {
  const sc = new Scenario(t1Ms);
  for (const o of ops) {
    await sc.apply(o);
    await flushPromises();
  }
  sc.world.clock.advance(sc.quietMs);
  await flushPromises();
  sc.checkQuiet();
  await sc.finishWaiting();
  await flushPromises();
  sc.world.clock.advance(sc.quietMs);
  await flushPromises();
  sc.checkEmpty();
  if (sc.violations.length) throw new Error(sc.violations.join('; '));
}

t.test(
  'no transaction outlives 64·T1 + T4 past its last event; nothing sent after termination',
  async (t) => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), fc.constantFrom(500, 1000), run),
      {
        numRuns: 200,
      },
    );
    t.pass('property held');
  },
);
