/**
 * A drachtio-srf app on a SIP engine of its own (UDP on a free loopback port), for tests that need
 * a second SIP party beside patchbay: a watcher's SUBSCRIBE dialog, a publisher. Both stop at the
 * end of `t`.
 */
import type { Test } from 'tap';
import { startEngine } from '../sip-engine/engine.js';
import { loopbackEngineConfig } from './engine-process.js';
import { freePorts } from './ports.js';
import { connectSrf, disconnectSrf, Srf } from './srf-app.js';

export async function srfOnOwnEngine(t: Test): Promise<Srf> {
  const [sipPort, adminPort] = (await freePorts(2)) as [number, number];
  const engine = await startEngine(
    loopbackEngineConfig([`sip:127.0.0.1:${sipPort};transport=udp`], adminPort),
  );
  t.teardown(() => engine.stop());
  const srf = new Srf();
  await connectSrf(srf, { port: adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } });
  t.teardown(() => disconnectSrf(srf));
  return srf;
}
