/**
 * An unmodified drachtio-srf application running on patchbay's embedded SIP engine.
 * Run: node --import tsx examples/hello-engine.ts
 * It starts an engine with a UAS app, then a second engine whose srf app calls the first one over
 * real SIP (UDP on 127.0.0.1), and prints what happened.
 */
import Srf from 'drachtio-srf';
import { DEFAULT_ENGINE_CONFIG, startEngine, type EngineHandle } from '../sip-engine/index.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';

/** An engine on OS-chosen ports: SIP UDP+TCP on 127.0.0.1, the drachtio admin port for apps. */
function engineOnLoopback(): Promise<EngineHandle> {
  return startEngine({
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: 'sip:127.0.0.1:0;transport=udp' }],
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
  });
}

/** A plain drachtio-srf app, connected exactly as it would connect to a C++ drachtio-server. */
async function connectApp(engine: EngineHandle): Promise<Srf> {
  const srf = new Srf();
  const connected = new Promise<void>((resolve) => srf.on('connect', () => resolve()));
  void srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 'cymru' });
  await connected;
  return srf;
}

export async function main(): Promise<string> {
  const engineA = await engineOnLoopback();
  const answering = await connectApp(engineA);
  answering.invite((req, res) => {
    answering.createUAS(req, res, { localSdp: SDP }).catch(() => undefined);
  });

  const engineB = await engineOnLoopback();
  const calling = await connectApp(engineB);
  const target = `sip:hello@127.0.0.1:${engineA.sipEndpoints[0]?.port ?? 5060}`;
  const dialog = await calling.createUAC(target, { localSdp: SDP });
  const result = `call to ${target} answered; remote SDP has ${dialog.remote.sdp.length} bytes`;
  dialog.destroy();

  calling.disconnect();
  answering.disconnect();
  await engineB.stop();
  await engineA.stop();
  return result;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().then(
    (r) => console.log(r),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
