/**
 * Checks a schema-valid configuration for problems a schema cannot express: one key depending on
 * another, duplicates, SIP contact URIs that do not parse, timer relations.
 */
import { gatewayIssues } from '../gateways/model/gateway-issues.js';
import type { ConfigIssue } from './errors.js';
import { callIssues } from './semantics-calls.js';
import type { ConfigData } from './schema.js';
import { recordsSectionIssues } from '../router/records/model/records-config.js';

const TRANSPORTS = new Set(['udp', 'tcp', 'tls', 'ws', 'wss']);
const SECURE_TRANSPORTS = new Set(['tls', 'wss']);

type Issue = Omit<ConfigIssue, 'source'>;

export function semanticIssues(cfg: ConfigData): ConfigIssue[] {
  const issues: Issue[] = [
    ...sipIssues(cfg),
    ...presenceIssues(cfg),
    ...tokenIssues(cfg),
    ...duplicateIds(cfg),
    ...callIssues(cfg),
    ...gatewayConfigIssues(cfg),
    ...recordsSectionIssues(cfg),
  ];
  return issues.map((i) => ({ ...i, source: 'semantics' }));
}

function sipIssues(cfg: ConfigData): Issue[] {
  const out: Issue[] = [];
  const { engine } = cfg.sip;
  if (cfg.sip.mode === 'external' && cfg.sip.servers.length === 0) {
    out.push({
      path: '/sip/servers',
      message: 'mode is external but no drachtio-server is listed',
      hint: 'add at least one { host, port, secret } or set sip.mode: embedded',
    });
  }
  engine.contacts.forEach((c, i) => {
    const problem = contactProblem(c.uri, engine.tls !== undefined);
    if (problem) out.push({ path: `/sip/engine/contacts/${i}/uri`, ...problem });
  });
  // RFC 3261 §17.1.2.2: T2 caps the retransmit interval that starts at T1, so T1 <= T2.
  if (engine.timers.t1Ms > engine.timers.t2Ms) {
    out.push({
      path: '/sip/engine/timers/t1Ms',
      message: 't1Ms is larger than t2Ms',
      hint: 'T1 must not exceed T2',
    });
  }
  // RFC 4028 §4: Session-Expires must not be below Min-SE.
  const st = engine.sessionTimer;
  if (st.intervalS !== 0 && st.intervalS < st.minSeS) {
    out.push({
      path: '/sip/engine/sessionTimer/intervalS',
      message: `intervalS ${st.intervalS} is below minSeS ${st.minSeS}`,
      hint: 'use 0 to disable session timers, or a value >= minSeS',
    });
  }
  return out;
}

/** Parses `sip:host[:port][;transport=a,b]` (RFC 3261 §19.1.1) and checks the transports. */
export function contactProblem(uri: string, hasTls: boolean): { message: string; hint: string } | undefined {
  const m = /^(sips?):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?((?:;[^;]*)*)$/.exec(uri);
  if (!m) {
    return { message: `'${uri}' is not a contact URI`, hint: 'write sip:ADDRESS[:PORT][;transport=udp,tcp]' };
  }
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && port > 65535) return { message: `port ${port} is out of range`, hint: '0-65535' };
  const params = (m[4] ?? '').split(';').filter((p) => p !== '');
  const transportParam = params.find((p) => p.toLowerCase().startsWith('transport='));
  const transports = transportParam
    ? transportParam.slice('transport='.length).toLowerCase().split(',')
    : ['udp'];
  const bad = transports.filter((t) => !TRANSPORTS.has(t));
  if (bad.length > 0) {
    return { message: `unknown transport '${bad.join(',')}'`, hint: 'transports: udp, tcp, tls, ws, wss' };
  }
  const secure = m[1] === 'sips' || transports.some((t) => SECURE_TRANSPORTS.has(t));
  if (secure && !hasTls) {
    return {
      message: 'a TLS/WSS contact needs a certificate',
      hint: 'set sip.engine.tls.keyFile and certFile',
    };
  }
  return undefined;
}

function presenceIssues(cfg: ConfigData): Issue[] {
  if (cfg.presence.mode === 'external' && cfg.presence.server === undefined) {
    return [
      {
        path: '/presence/server',
        message: 'mode is external but no presence server is given',
        hint: 'set presence.server (e.g. sip:presence.example.com:5060) or presence.mode: embedded',
      },
    ];
  }
  return [];
}

function tokenIssues(cfg: ConfigData): Issue[] {
  const out: Issue[] = [];
  const seen = new Set<string>();
  cfg.http.tokens.forEach((t, i) => {
    if (seen.has(t.token)) {
      out.push({
        path: `/http/tokens/${i}/token`,
        message: 'duplicate token',
        hint: 'every token must be unique',
      });
    }
    seen.add(t.token);
    if (t.role === 'agent' && t.agentId === undefined) {
      out.push({
        path: `/http/tokens/${i}/agentId`,
        message: 'an agent token needs agentId',
        hint: 'set agentId',
      });
    }
  });
  return out;
}

/** What gateways/model/gateway-issues.ts finds (duplicate ids included), under /gateways. */
function gatewayConfigIssues(cfg: ConfigData): Issue[] {
  return gatewayIssues(cfg.gateways).map((i) => ({
    path: `/gateways${i.path}`,
    message: i.message,
    ...(i.hint !== undefined ? { hint: i.hint } : {}),
  }));
}

function duplicateIds(cfg: ConfigData): Issue[] {
  const out: Issue[] = [];
  const lists = {
    queues: cfg.queues,
    agents: cfg.agents,
    people: cfg.people,
    campaigns: cfg.campaigns,
  };
  for (const [name, items] of Object.entries(lists)) {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) {
        out.push({
          path: `/${name}/${i}/id`,
          message: `duplicate id '${item.id}'`,
          hint: `ids in ${name} must be unique`,
        });
      }
      seen.add(item.id);
    });
  }
  return out;
}
