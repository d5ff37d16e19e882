/**
 * Properties of decide() over random worlds: queues with random strategies, members, penalties
 * and skill requirements; agents in random states; waiting and ringing entries.
 *  - no agent is offered twice in one decision, nor while reserved or ringing for another entry;
 *  - every offered agent is available on the queue's channel; a strategy offer goes to a member
 *    meeting the skill requirements;
 *  - with equal priorities, no entry is passed over for a younger one by an agent it could take.
 */
import fc from 'fast-check';
import t from 'tap';
import { channelAvailability } from '../../model/agent-availability.js';
import type { QueueEntry } from '../model/queue-entry.js';
import { STRATEGIES } from '../model/queue-schema.js';
import { decide } from './decide.js';
import { canTakeOffer, meetsSkills } from './eligibility.js';
import { agent, entry, offering, queue } from './routing-testkit.js';
import type { AgentShape } from './routing-testkit.js';
import type { RoutingAgent, RoutingQueue } from './routing-types.js';

const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const QUEUES = ['q0', 'q1', 'q2'];
const SKILLS = ['en', 'fr'];
const NOW = 10_000_000;

const shape = fc.constantFrom<AgentShape>(
  'ready',
  'ready',
  'ready',
  'logged-out',
  'not-ready',
  'reserved',
  'on-call',
  'no-device',
);
const arbAgent = (id: string) =>
  fc
    .record({
      shape,
      en: fc.integer({ min: 0, max: 100 }),
      fr: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      idleSinceMs: fc.nat(1000),
      callsAnswered: fc.nat(5),
      talkTimeMs: fc.nat(5),
      pm: fc.boolean(),
    })
    .map((r) =>
      agent(id, {
        shape: r.shape,
        skills: r.fr === undefined ? { en: r.en } : { en: r.en, fr: r.fr },
        customers: r.pm ? [`+1${id.slice(1)}`] : [],
        idleSinceMs: r.idleSinceMs,
        callsAnswered: r.callsAnswered,
        talkTimeMs: r.talkTimeMs,
      }),
    );

const arbQueue = (id: string) =>
  fc
    .record({
      strategy: fc.constantFrom(...STRATEGIES),
      channel: fc.constantFrom('voice', 'chat'),
      members: fc.uniqueArray(fc.record({ agentId: fc.constantFrom(...AGENTS), penalty: fc.nat(2) }), {
        selector: (m) => m.agentId,
        maxLength: 6,
      }),
      requiredSkills: fc.uniqueArray(
        fc.record({ skill: fc.constantFrom(...SKILLS), minLevel: fc.nat(100) }),
        {
          selector: (s) => s.skill,
          maxLength: 2,
        },
      ),
      last: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
    })
    .map(({ last, ...fields }): RoutingQueue => {
      const spec = queue({ id, ...fields });
      return last === undefined ? { spec } : { spec, lastOfferedAgentId: last };
    });

const arbEntries = (withPriority: boolean, withPm: boolean) =>
  fc
    .array(
      fc.record({
        queueId: fc.constantFrom(...QUEUES),
        enteredMs: fc.nat(100),
        priority: withPriority ? fc.nat(3) : fc.constant(0),
        caller: withPm ? fc.constantFrom('+10', '+11', '+199') : fc.constant('+199'),
        tried: fc.subarray(AGENTS, { maxLength: 2 }),
        ringing: fc.option(fc.subarray(AGENTS, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 4 }),
      }),
      { maxLength: 8 },
    )
    .map((rs) =>
      rs.map((r, i): QueueEntry =>
        r.ringing === undefined
          ? entry(`e${i}`, r.queueId, r.enteredMs, { priority: r.priority, caller: r.caller, tried: r.tried })
          : offering(`e${i}`, r.queueId, r.enteredMs, r.ringing),
      ),
    );

const world = (withPriority: boolean, withPm: boolean) =>
  fc.record({
    agents: fc.tuple(...AGENTS.map(arbAgent)),
    queues: fc.tuple(...QUEUES.map(arbQueue)),
    entries: arbEntries(withPriority, withPm),
  });

function ringingAgents(entries: readonly QueueEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.state === 'offering' ? (e.offer?.agentIds ?? []) : [])));
}

const runs = { numRuns: 300 };

t.test('no agent offered twice, nor while reserved or ringing', (t) => {
  fc.assert(
    fc.property(world(true, true), ({ agents, queues, entries }) => {
      const d = decide(queues, entries, agents, NOW);
      const offered = d.offers.flatMap((o) => o.agentIds);
      const ringing = ringingAgents(entries);
      const byId = new Map<string, RoutingAgent>(agents.map((a) => [a.agent.id, a]));
      return (
        new Set(offered).size === offered.length &&
        offered.every(
          (id) => !ringing.has(id) && !byId.get(id)?.agent.work.some((w) => w.state === 'reserved'),
        )
      );
    }),
    runs,
  );
  t.pass('property held');
  t.end();
});

t.test('offered agents are available on the channel; strategy offers meet membership and skills', (t) => {
  fc.assert(
    fc.property(world(true, true), ({ agents, queues, entries }) => {
      const byId = new Map<string, RoutingAgent>(agents.map((a) => [a.agent.id, a]));
      const spec = (id: string) => queues.find((q) => q.spec.id === id)?.spec;
      return decide(queues, entries, agents, NOW).offers.every((o) => {
        const q = spec(o.queueId);
        return (
          q !== undefined &&
          o.agentIds.length > 0 &&
          o.agentIds.every((id) => {
            const ra = byId.get(id);
            if (ra === undefined || channelAvailability(ra.agent, q.channel) !== 'available') return false;
            if (o.reason === 'personal-manager') return true;
            return q.members.some((m) => m.agentId === id) && meetsSkills(ra, q);
          })
        );
      });
    }),
    runs,
  );
  t.pass('property held');
  t.end();
});

t.test('the oldest eligible entry across queues is served first', (t) => {
  fc.assert(
    fc.property(world(false, false), ({ agents, queues, entries }) => {
      const d = decide(queues, entries, agents, NOW);
      const served = new Set(d.offers.map((o) => o.entryId));
      const ringing = ringingAgents(entries);
      const byId = new Map<string, RoutingAgent>(agents.map((a) => [a.agent.id, a]));
      return d.offers.every((o) => {
        const younger = entries.find((e) => e.id === o.entryId);
        if (younger === undefined) return false;
        return entries.every((older) => {
          if (older.state !== 'waiting' || served.has(older.id) || older.enteredMs >= younger.enteredMs)
            return true;
          const q = queues.find((x) => x.spec.id === older.queueId)?.spec;
          if (q === undefined) return true;
          // No agent given to the younger entry could have taken the older one.
          return o.agentIds.every((id) => {
            const ra = byId.get(id);
            const member = q.members.some((m) => m.agentId === id);
            return ra === undefined || !member || !meetsSkills(ra, q) || !canTakeOffer(ra, q, ringing);
          });
        });
      });
    }),
    runs,
  );
  t.pass('property held');
  t.end();
});
