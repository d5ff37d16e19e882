/**
 * Header injection through the app protocol: a drachtio-srf app that puts CR/LF into a header
 * value of `res.send` or `srf.request` must not make the engine put extra header lines, a second
 * Via, or a smuggled message on the wire (RFC 3261 §7.3.1: a header value cannot hold a bare line
 * break; spec §2.7: lines whose value holds CR/LF are dropped, Via and Content-Length are the
 * engine's). What arrives is read like a lenient peer would: any of CR, LF or CRLF ends a line.
 */
import t from 'tap';
import type { HostileWorld } from '../test-support/hostile-world.js';
import { hostileEngineConfig, startHostileWorld } from '../test-support/hostile-world.js';
import { srfRequest } from '../test-support/srf-app.js';
import { inviteText } from '../test-support/sip-fixtures.js';
import { statusOf, UdpProbe } from '../test-support/udp-probe.js';

const INJECTIONS: { name: string; value: string; todo?: string }[] = [
  { name: 'bare LF', value: 'a\nX-Injected: lf' },
  { name: 'bare CR', value: 'a\rX-Injected: cr' },
  { name: 'CR LF + Via', value: 'a\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-injected' },
  { name: 'CR LF + Content-Length', value: 'a\r\nContent-Length: 0' },
  { name: 'LF LF + smuggled message', value: 'a\n\nINVITE sip:smuggled@127.0.0.1 SIP/2.0' },
  { name: 'CR LF CR LF + smuggled message', value: 'a\r\n\r\nINVITE sip:smuggled@127.0.0.1 SIP/2.0' },
];

let world: HostileWorld;
let probe: UdpProbe;
let sipPort = 0;
/** Values the app is told to put into X-Evil of its 486, by Call-ID. */
const evil = new Map<string, string>();

t.before(async () => {
  world = await startHostileWorld(await hostileEngineConfig());
  sipPort = world.engine.port('udp');
  probe = await UdpProbe.open();
  world.inviteHook.current = (req, res) => {
    const value = evil.get(req.get('Call-ID'));
    if (value === undefined) return false;
    res.send(486, { headers: { 'X-Evil': value, Subject: value } });
    return true;
  };
});
t.teardown(async () => {
  await probe.close();
  await world.stop();
});

/** Lines of the header block as a lenient parser sees them (CR, LF and CRLF all end a line). */
function lenientHeaderLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const blank = lines.indexOf('');
  return (blank >= 0 ? lines.slice(1, blank) : lines.slice(1)).map((l) => l.toLowerCase());
}

/** Content-Length must cover exactly the bytes after the header block: no second message hides there. */
function lengthMismatch(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  const cl = /\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(text.slice(0, end));
  return end < 0 || !cl || Number(cl[1]) !== Buffer.byteLength(text.slice(end + 4), 'latin1');
}

function problems(text: string): string[] {
  const lines = lenientHeaderLines(text);
  const out: string[] = [];
  if (lines.some((l) => l.startsWith('x-injected'))) out.push('an X-Injected header line');
  if (lines.some((l) => l.includes('z9hg4bk-injected'))) out.push('the injected Via');
  if (lines.filter((l) => /^(content-length|l)\s*:/.test(l)).length > 1) out.push('two Content-Length lines');
  if (lines.some((l) => l.includes('sip:smuggled@'))) out.push('the smuggled request line among the headers');
  if (lengthMismatch(text)) out.push('a Content-Length that does not match the body');
  return out;
}

t.test('res.send headers with CR/LF: the response on the wire has no injected lines', async (t) => {
  for (const [i, inj] of INJECTIONS.entries()) {
    const callId = `inject-res-${i}@test`;
    evil.set(callId, inj.value);
    const branch = `z9hG4bK-injres-${i}`;
    await probe.send(inviteText({ callId, branch, port: probe.port }), sipPort);
    const final = await probe
      .waitFor((m) => m.includes(callId) && (statusOf(m) ?? 0) >= 300, 3000, `final response (${inj.name})`)
      .catch(() => undefined);
    const wire = probe.received.filter((m) => m.includes(callId));
    t.ok(
      final !== undefined,
      `${inj.name}: the INVITE got a final response (${String(final && statusOf(final))})`,
    );
    t.same(
      wire.flatMap(problems),
      [],
      `${inj.name}: nothing injected on the wire`,
      inj.todo ? { todo: inj.todo } : {},
    );
  }
});

t.test('srf.request headers with CR/LF: the request on the wire has no injected lines', async (t) => {
  for (const [i, inj] of INJECTIONS.entries()) {
    const tag = `inject-req-${i}`;
    const sent = await srfRequest(world.srf, `sip:${tag}@127.0.0.1:${probe.port}`, {
      method: 'OPTIONS',
      headers: { Subject: inj.value, 'X-Evil': inj.value, 'X-Tag': tag },
    }).then(
      () => true,
      () => false,
    );
    // Either the engine refused the command (nothing sent) or it sent a clean request.
    const arrived = sent
      ? await probe
          .waitFor((m) => m.startsWith('OPTIONS') && m.includes(tag), 3000, `OPTIONS ${tag}`)
          .catch(() => undefined)
      : undefined;
    t.ok(
      !sent || arrived !== undefined,
      `${inj.name}: ${sent ? 'sent and received' : 'refused by the engine'}`,
    );
    const wire = probe.received.filter((m) => m.includes(tag));
    t.same(
      wire.flatMap(problems),
      [],
      `${inj.name}: nothing injected on the wire`,
      inj.todo ? { todo: inj.todo } : {},
    );
  }
  t.ok(world.engine.alive(), 'engine still up');
});
