/**
 * Parser benchmark: parses 200,000 realistic INVITEs (each with SDP, two Vias, Record-Route, a
 * UTF-8 display name) with sip-engine/message/parser.ts, then the header lookups the engine makes on
 * each (hits, comma lists and misses), and writes bench/results/parser.json.
 * Run: node --import tsx bench/parser.ts [count]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../sip-engine/message/parser.js';
import type { SipMessage } from '../sip-engine/message/sip-message.js';

const SDP = [
  'v=0',
  'o=- 3724394400 3724394400 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 20000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

function invite(i: number): Buffer {
  const head = [
    `INVITE sip:+4930555${String(i % 10000).padStart(4, '0')}@cc.example.com;user=phone SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${i.toString(36)}a;rport`,
    `Via: SIP/2.0/UDP 198.51.100.7:5060;received=198.51.100.7;branch=z9hG4bK${i.toString(36)}b`,
    'Max-Forwards: 69',
    `From: "Müller 山田" <sip:+4930111${i % 1000}@gw1.example.net>;tag=${i.toString(16)}f`,
    'To: <sip:+49305550000@cc.example.com;user=phone>',
    `Call-ID: ${i.toString(16)}-4c1e-9a7b@192.0.2.10`,
    'CSeq: 102 INVITE',
    'Record-Route: <sip:198.51.100.7;lr;ftag=x>',
    'Contact: <sip:gw1@192.0.2.10:5060;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY',
    'Supported: 100rel, timer, replaces',
    'Session-Expires: 1800;refresher=uac',
    'User-Agent: gw-bench/1.0',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${SDP}`);
}

const count = Number(process.argv[2] ?? 200000);
const corpus = Array.from({ length: 1000 }, (_, i) => invite(i));

/**
 * The header lookups the engine makes on an inbound INVITE (transport stamps the top Via; the
 * transaction layer matches on Via/CSeq/Call-ID; core reads From/To/Contact/Route/Require/Supported
 * and the session timer), including misses, which scan every line.
 */
const LOOKUPS = [
  'via',
  'call-id',
  'cseq',
  'from',
  'to',
  'call-id',
  'via',
  'max-forwards',
  'contact',
] as const;
const LIST_LOOKUPS = ['via', 'route', 'require', 'supported', 'record-route'] as const;
const MISSES = ['session-expires', 'rack', 'x-agent-id', 'Content-Type', 'i', 'v'] as const;

function lookups(m: SipMessage): number {
  let n = 0;
  for (const name of LOOKUPS) n += m.get(name)?.length ?? 0;
  for (const name of LIST_LOOKUPS) n += m.getAll(name).length;
  for (const name of MISSES) n += m.has(name) ? 1 : 0;
  return n;
}
const LOOKUPS_PER_MESSAGE = LOOKUPS.length + LIST_LOOKUPS.length + MISSES.length;

interface Phase {
  seconds: number;
  perSecond: number;
  micros: number;
}

let sink = 0;
function phase(n: number, work: (i: number) => number): Phase {
  for (let i = 0; i < Math.min(n, 20000); i++) sink += work(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += work(i);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    seconds: Number(seconds.toFixed(3)),
    perSecond: Math.round(n / seconds),
    micros: Number(((seconds * 1e6) / n).toFixed(3)),
  };
}

const before = process.memoryUsage().heapUsed;
const parse = phase(count, (i) => parseMessage(corpus[i % corpus.length]!).headers.length);
const heapDeltaMb = Number(((process.memoryUsage().heapUsed - before) / 1048576).toFixed(1));
const parseAndLookup = phase(count, (i) => lookups(parseMessage(corpus[i % corpus.length]!)));
const parsed = corpus.map((b) => parseMessage(b));
const lookupOnly = phase(count, (i) => lookups(parsed[i % parsed.length]!));

const result = {
  name: 'parser',
  what: 'parseMessage on realistic INVITEs with SDP, then the header lookups the engine makes',
  messages: count,
  bytesPerMessage: corpus[0]!.length,
  seconds: parse.seconds,
  messagesPerSecond: parse.perSecond,
  microsPerMessage: parse.micros,
  heapDeltaMb,
  lookupsPerMessage: LOOKUPS_PER_MESSAGE,
  parseAndLookupMessagesPerSecond: parseAndLookup.perSecond,
  parseAndLookupMicrosPerMessage: parseAndLookup.micros,
  lookupOnlyMicrosPerMessage: lookupOnly.micros,
  nanosPerLookup: Number(((lookupOnly.micros * 1000) / LOOKUPS_PER_MESSAGE).toFixed(1)),
  node: process.version,
  date: new Date().toISOString(),
  checksum: sink,
};
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'parser.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `parse ${result.messagesPerSecond}/s (${result.microsPerMessage} µs); parse+${LOOKUPS_PER_MESSAGE} lookups ` +
    `${result.parseAndLookupMicrosPerMessage} µs; lookups alone ${result.lookupOnlyMicrosPerMessage} µs ` +
    `(${result.nanosPerLookup} ns/lookup) → ${out}`,
);
