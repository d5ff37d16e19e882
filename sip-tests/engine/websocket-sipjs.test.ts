/**
 * A browser-style softphone (sip.js over WebSocket, RFC 7118) against the engine and an srf app:
 * it registers (the app is the registrar), calls the app (srf UAS) and hangs up, then the app calls
 * it back at its registered `.invalid` contact, which only the WebSocket it registered over reaches
 * (RFC 7118 §5.2), and hangs up.
 */
import t from 'tap';
import type { Test } from 'tap';
import type Srf from 'drachtio-srf';
import { SessionState } from 'sip.js';
import type { Invitation } from 'sip.js';
import { SipJsAgent, StaticSdh, staticSdp, waitForSessionState } from '../../test-support/sipjs-agent.js';
import { nextEvent, waitFor } from '../../test-support/wait.js';
import { appSdp, hangUp, startEngineWorld } from './engine-world.js';
import type { EngineWorld, Teardown } from './engine-world.js';

interface Binding {
  aor: string;
  contact: string;
  expires: number;
  viaHost: string;
  viaTransport: string;
}

/** `<uri>;params` or `uri;params` → the URI and its expires parameter (RFC 3261 §10.2.1.1). */
function parseContact(value: string): { uri: string; expires: number | undefined } {
  const m = /<([^>]+)>(.*)$/.exec(value);
  const uri = m?.[1] ?? value.split(';')[0] ?? value;
  const params = m?.[2] ?? value.slice(uri.length);
  const exp = /;\s*expires=(\d+)/i.exec(params)?.[1];
  return { uri: uri.trim(), expires: exp === undefined ? undefined : Number(exp) };
}

/** Transport token and sent-by host of the top Via (RFC 3261 §20.42). */
function topVia(req: Srf.SrfRequest): { transport: string; host: string } {
  const m = /^SIP\/2\.0\/(\w+)\s+([^;:\s,]+)/i.exec(req.get('Via'));
  return { transport: m?.[1] ?? '', host: m?.[2] ?? '' };
}

function isDialog(x: unknown): x is Srf.Dialog {
  return typeof x === 'object' && x !== null && 'sip' in x && 'destroy' in x;
}

/** RFC 3261 §10.3: the registrar app stores the binding and echoes the Contact with its expires. */
function registrar(bindings: Map<string, Binding>) {
  return (req: Srf.SrfRequest, res: Srf.SrfResponse): void => {
    const { uri, expires } = parseContact(req.get('Contact'));
    const granted = Math.min(expires ?? Number(req.get('Expires') || 3600), 3600);
    const aor = /<([^>]+)>/.exec(req.get('To'))?.[1] ?? req.get('To');
    if (granted === 0) bindings.delete(aor);
    else {
      const via = topVia(req);
      bindings.set(aor, {
        aor,
        contact: uri,
        expires: granted,
        viaHost: via.host,
        viaTransport: via.transport,
      });
    }
    res.send(200, { headers: { Contact: `<${uri}>;expires=${granted}`, Expires: String(granted) } });
  };
}

interface WsWorld {
  w: EngineWorld;
  app: Srf;
  agent: SipJsAgent;
  bindings: Map<string, Binding>;
  uasDialogs: Srf.Dialog[];
  destroyed: string[];
  invitations: Invitation[];
}

/** Engine with UDP, TCP and WS; the registrar + UAS app; a started sip.js agent that accepts calls. */
async function startWsWorld(t: Teardown): Promise<WsWorld> {
  const w = await startEngineWorld(t, { transports: ['udp', 'tcp', 'ws'] });
  const s: Omit<WsWorld, 'app' | 'agent'> = {
    w,
    bindings: new Map(),
    uasDialogs: [],
    destroyed: [],
    invitations: [],
  };
  const app = await w.connectApp(
    (srf) => {
      srf.use('register', registrar(s.bindings));
      srf.invite((req, res) => {
        void srf.createUAS(req, res, { localSdp: appSdp(1, 30000) }).then((d) => {
          s.uasDialogs.push(d);
          d.on('destroy', () => s.destroyed.push(d.sip.callId));
        });
      });
    },
    ['register', 'invite'],
  );
  const agent = new SipJsAgent({
    server: `ws://${w.hostport('ws')}`,
    aor: 'sip:alice@127.0.0.1',
    onInvite: (inv) => {
      s.invitations.push(inv);
      void inv.accept();
    },
  });
  w.defer(() => agent.stop());
  await agent.start();
  return { ...s, app, agent };
}

/** sip.js calls the srf UAS app through the engine, then hangs up (its BYE ends the app's dialog). */
async function agentCallsApp(t: Test, s: WsWorld): Promise<void> {
  const session = await s.agent.call(`sip:4000@${s.w.hostport('ws')}`);
  t.equal(session.state, SessionState.Established, 'established on the sip.js side');
  const uas = await waitFor(() => s.uasDialogs[0], { what: 'the app dialog' });
  t.equal(uas.remote.sdp.trim(), staticSdp().trim(), 'the app got the offer');
  const sdh = session.sessionDescriptionHandler;
  t.ok(sdh instanceof StaticSdh && sdh.remote?.includes('m=audio 30000'), 'sip.js got the answer');
  t.equal(s.w.handle.stats().dialogs, 1, 'one dialog in the engine');
  const gone = nextEvent(uas, 'destroy', { timeoutMs: 5000 });
  await session.bye();
  await gone;
  await waitForSessionState(session, SessionState.Terminated);
  t.same(s.destroyed, [uas.sip.callId], 'the app dialog was destroyed by the BYE');
  await waitFor(() => s.w.handle.stats().dialogs === 0, { what: 'no dialog left' });
}

/** The app calls the agent's registered `.invalid` contact (RFC 7118 §5.2), then hangs up. */
async function appCallsAgent(t: Test, s: WsWorld, binding: Binding): Promise<void> {
  const placed = await s.app.createUAC(binding.contact, { localSdp: appSdp(2, 30002) }).then(
    (d) => d,
    (e: unknown) => e,
  );
  // The transport layer reaches a `.invalid` host over its WebSocket, but the core still resolves
  // the Request-URI host first (core/uac.ts onAppNewRequest) and answers the app "invalid
  // request-uri". Remove the todo once it passes `.invalid` hosts through unresolved.
  t.ok(isDialog(placed), 'the app reached the .invalid contact', {
    todo: 'core/uac.ts resolves .invalid hosts instead of passing them to the transport',
    ...(isDialog(placed) ? {} : { error: placed instanceof Error ? placed.message : String(placed) }),
  });
  if (!isDialog(placed)) return;
  const inv = await waitFor(() => s.invitations[0], { what: 'sip.js got the INVITE' });
  t.equal(inv.request.ruri?.toString(), binding.contact, 'Request-URI is the registered contact');
  await waitForSessionState(inv, SessionState.Established);
  t.equal(placed.remote.sdp.trim(), staticSdp().trim(), 'the app got the answer');
  const sdh = inv.sessionDescriptionHandler;
  t.ok(sdh instanceof StaticSdh && sdh.remote?.includes('m=audio 30002'), 'sip.js got the offer');
  t.equal(s.w.handle.stats().dialogs, 1);
  await hangUp(placed);
  await waitForSessionState(inv, SessionState.Terminated);
  await waitFor(() => s.w.handle.stats().dialogs === 0, { what: 'no dialog left' });
  t.equal(s.w.handle.stats().transport.connectionsOpen, 1, 'everything went over the one WebSocket');
}

t.test('sip.js over WebSocket: register, call the app, be called back at the .invalid contact', async (t) => {
  const s = await startWsWorld(t);
  await s.agent.register();
  const binding = s.bindings.get('sip:alice@127.0.0.1');
  t.ok(binding, 'the app stored the binding');
  if (!binding) return;
  t.match(binding.contact, /^sip:\w+@\w+\.invalid;transport=ws$/, 'sip.js registered a .invalid contact');
  t.equal(binding.viaHost, /@([^;]+)/.exec(binding.contact)?.[1], 'Via sent-by is the same .invalid host');
  // The wire protocol reports WS as `tcp` (as drachtio does); the Via names the real transport.
  t.equal(binding.viaTransport, 'WS', 'the REGISTER came over WebSocket');
  t.equal(binding.expires, 300, 'the binding has the expiry sip.js asked for');

  await t.test('sip.js calls the app; sip.js hangs up', (t) => agentCallsApp(t, s));
  await t.test('the app calls the registered .invalid contact; the app hangs up', (t) =>
    appCallsAgent(t, s, binding),
  );
  t.same(s.w.appErrors, [], 'the app saw no errors');
});
