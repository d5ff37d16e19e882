/**
 * The watcher over real SIP: Kamailio (presence server, started by the harness) ← patchbay's
 * sip-engine ← an srf app running the PresenceWatcher for sip:agent1@127.0.0.1:<kport>. The same
 * srf app PUBLISHes the agent's presence (RFC 3903) like a phone would; what the watcher emits
 * per NOTIFY is checked, through presence/policy's availability decision too. Then Kamailio is
 * restarted (it forgets every subscription): the next refresh gets 481, the watcher subscribes
 * anew, and a PUBLISH made after the restart is seen. Last, stop() un-subscribes cleanly.
 */
import t from 'tap';
import { connectSrf } from '../../infra/drachtio/srf-connection.js';
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import { DEFAULT_ENGINE_CONFIG } from '../../sip-engine/config.js';
import { startEngine } from '../../sip-engine/engine.js';
import { requireKamailio, startKamailio } from '../../sip-tests/harness/kamailio.js';
import { pidfBody } from '../../test-support/fake-subscription-transport.js';
import { disconnectSrf, srfRequest } from '../../test-support/srf-app.js';
import type { SrfSipMessage } from '../../test-support/srf-app.js';
import { waitFor } from '../../test-support/wait.js';
import { presenceAvailability } from '../policy/availability.js';
import { createSrfPresenceWatcher } from './index.js';
import type { PresenceSnapshot, SubscriptionStatus } from './index.js';

const kamailio = requireKamailio();
const skip = 'skip' in kamailio ? kamailio.skip : false;
const SECRET = 'watcher-e2e';

/** RFC 3903 §4: PUBLISH with a PIDF body; with `etag` it modifies that publication (§4.4). */
async function publish(
  srf: Srf,
  uri: string,
  body: string,
  etag?: string,
): Promise<{ status: number; etag?: string }> {
  const headers: Record<string, string> = {
    From: `<${uri}>`,
    To: `<${uri}>`,
    Event: 'presence',
    Expires: '600',
    'Content-Type': 'application/pidf+xml',
    ...(etag ? { 'SIP-If-Match': etag } : {}),
  };
  const req = await srfRequest(srf, uri, { method: 'PUBLISH', headers, body });
  const res = await new Promise<SrfSipMessage & { status: number }>((resolve) => req.on('response', resolve));
  const newTag = res.has('SIP-ETag') ? res.get('SIP-ETag') : undefined;
  return { status: res.status, ...(newTag ? { etag: newTag } : {}) };
}

t.test('presence from Kamailio reaches the watcher, also across a Kamailio restart', { skip }, async (t) => {
  const kam = await startKamailio();
  const engine = await startEngine({
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: 'sip:127.0.0.1:0;transport=udp' }],
    admin: { address: '127.0.0.1', port: 0, secret: SECRET },
  });
  const srf = await connectSrf({ host: '127.0.0.1', port: engine.adminPort, secret: SECRET });
  const agent = `sip:agent1@${kam.hostport}`;
  const watcher = createSrfPresenceWatcher(srf, {
    from: 'sip:patchbay@127.0.0.1',
    presenceServer: kam.uri,
    // A short Expires so the refresh that discovers the restart comes within seconds.
    watcher: { options: { expiresS: 5, retry: { baseDelayMs: 200, maxDelayMs: 2000 } } },
  });
  t.teardown(async () => {
    await watcher.stop();
    await disconnectSrf(srf);
    await engine.stop();
    await kam.dispose();
  });
  const seen: PresenceSnapshot[] = [];
  const statuses: SubscriptionStatus[] = [];
  watcher.onPresence((p) => seen.push(p));
  watcher.onStatus((s) => statuses.push(s));
  const until = (what: string, check: (p: PresenceSnapshot) => boolean) =>
    waitFor(() => seen.find((p, i) => i >= mark && check(p)), { timeoutMs: 15000, what });
  let mark = 0;

  watcher.watch([agent]);
  await waitFor(() => watcher.state(agent) === 'active', { timeoutMs: 10000, what: 'subscription active' });

  mark = seen.length;
  const away = await publish(srf, agent, pidfBody('open', { activities: ['away'], entity: agent }));
  t.equal(away.status, 200, 'PUBLISH away accepted');
  const awaySnap = await until('away', (p) => p.activities.includes('away'));
  t.match(awaySnap, { uri: agent, basic: 'open', activities: ['away'] });
  t.match(presenceAvailability(awaySnap.document, Date.now()), { available: false, reason: 'away' });

  mark = seen.length;
  const open = await publish(srf, agent, pidfBody('open', { entity: agent }), away.etag);
  t.equal(open.status, 200, 'PUBLISH open (modify) accepted');
  const openSnap = await until(
    'open without activities',
    (p) => p.basic === 'open' && p.activities.length === 0,
  );
  t.match(presenceAvailability(openSnap.document, Date.now()), { available: true });

  const statusMark = statuses.length;
  await kam.restart();
  t.equal(kam.starts, 2);
  // Normally 481 (the new instance does not know the dialog); 503 if the refresh hit the gap.
  const lost = await waitFor(
    () => statuses.slice(statusMark).find((s) => s.reason?.startsWith('refresh-failed:')),
    { timeoutMs: 15000, what: 'the first refresh after the restart failing' },
  );
  t.comment(`refresh after the restart: ${lost.reason ?? ''}`);
  await waitFor(() => watcher.state(agent) === 'active', {
    timeoutMs: 15000,
    what: 'subscription recovered',
  });

  mark = seen.length;
  let busy = await publish(srf, agent, pidfBody('open', { activities: ['busy'], entity: agent }), open.etag);
  if (busy.status === 412)
    busy = await publish(srf, agent, pidfBody('open', { activities: ['busy'], entity: agent }));
  t.equal(busy.status, 200, 'PUBLISH after the restart accepted');
  const busySnap = await until('busy after the restart', (p) => p.activities.includes('busy'));
  t.match(presenceAvailability(busySnap.document, Date.now()), { available: false, reason: 'busy' });
  t.equal(watcher.presence(agent), seen.at(-1), 'the watcher keeps the last presence');

  // RFC 6665 §4.1.2.3: stop() un-subscribes; Kamailio's final NOTIFY ends the dialog in the engine.
  // (The pre-restart dialog, answered 481, still lingers in the engine: it does not yet end a
  // dialog on a 481 to an in-dialog request, RFC 3261 §12.2.1.2 — hence "one fewer", not zero.)
  const before = engine.stats().dialogs;
  t.ok(before > 0, 'the subscription dialog is up');
  await watcher.stop();
  await waitFor(() => engine.stats().dialogs === before - 1, {
    timeoutMs: 5000,
    what: 'subscription dialog ended',
  });
  t.match(statuses.at(-1), { state: 'terminated', reason: 'stopped' });
});
