/**
 * Semantic checks of queues and entry points (issue 5) that the schema cannot express: every
 * referenced agent and queue exists, entry numbers are unique, time zones are real, and queue ids
 * do not take the `agent.` prefix of direct-call queues (router/calls/queue-book.ts).
 */
import { assertTimeZone } from '../router/queues/model/opening-hours.js';
import type { ConfigIssue } from './errors.js';
import type { ConfigData } from './schema.js';

type Issue = Omit<ConfigIssue, 'source'>;

function targetQueue(action: unknown): string | undefined {
  const a = action as { action?: string; target?: { queue?: string } } | undefined;
  return a?.action === 'overflow' ? a.target?.queue : undefined;
}

function queueIssues(cfg: ConfigData, agents: ReadonlySet<string>, queues: ReadonlySet<string>): Issue[] {
  const out: Issue[] = [];
  cfg.queues.forEach((q, i) => {
    if (q.id.startsWith('agent.')) {
      out.push({
        path: `/queues/${i}/id`,
        message: `queue id '${q.id}' uses the reserved prefix 'agent.'`,
        hint: 'rename the queue',
      });
    }
    q.members.forEach((m, j) => {
      if (!agents.has(m.agentId)) {
        out.push({
          path: `/queues/${i}/members/${j}/agentId`,
          message: `unknown agent '${m.agentId}'`,
          hint: 'list the agent under agents',
        });
      }
    });
    if (q.hours !== undefined) {
      try {
        assertTimeZone(q.hours.timeZone);
      } catch {
        out.push({
          path: `/queues/${i}/hours/timeZone`,
          message: `unknown time zone '${q.hours.timeZone}'`,
          hint: 'an IANA name, e.g. Europe/Paris',
        });
      }
    }
    const refs: [string, string | undefined][] = [
      ['onClosed', targetQueue(q.onClosed)],
      ['onFull', targetQueue(q.onFull)],
      ['onNoAgents', targetQueue(q.onNoAgents)],
      ['onMaxWait', targetQueue(q.onMaxWait)],
      ['overflow', q.overflow && 'queue' in q.overflow.target ? q.overflow.target.queue : undefined],
    ];
    for (const [key, ref] of refs) {
      if (ref === undefined) continue;
      if (!queues.has(ref))
        out.push({
          path: `/queues/${i}/${key}/target/queue`,
          message: `unknown queue '${ref}'`,
          hint: 'list the queue under queues',
        });
      else if (ref === q.id)
        out.push({
          path: `/queues/${i}/${key}/target/queue`,
          message: 'a queue cannot overflow to itself',
          hint: 'name another queue',
        });
    }
  });
  return out;
}

function entryPointIssues(
  cfg: ConfigData,
  agents: ReadonlySet<string>,
  queues: ReadonlySet<string>,
): Issue[] {
  const out: Issue[] = [];
  const numbers = new Set<string>();
  cfg.entryPoints.forEach((e, i) => {
    if (numbers.has(e.number)) {
      out.push({
        path: `/entryPoints/${i}/number`,
        message: `number '${e.number}' is listed twice`,
        hint: 'each dialled number leads to one place',
      });
    }
    numbers.add(e.number);
    if ('queue' in e && !queues.has(e.queue)) {
      out.push({
        path: `/entryPoints/${i}/queue`,
        message: `unknown queue '${e.queue}'`,
        hint: 'list the queue under queues',
      });
    }
    if ('agent' in e && !agents.has(e.agent)) {
      out.push({
        path: `/entryPoints/${i}/agent`,
        message: `unknown agent '${e.agent}'`,
        hint: 'list the agent under agents',
      });
    }
  });
  return out;
}

export function callIssues(cfg: ConfigData): Issue[] {
  const agents = new Set(cfg.agents.map((a) => a.id));
  const queues = new Set(cfg.queues.map((q) => q.id));
  return [...queueIssues(cfg, agents, queues), ...entryPointIssues(cfg, agents, queues)];
}
