/**
 * The two drachtio-srf apps the engine benchmark drives: a trivial UAS (200 with SDP, BYE → 200)
 * and a B2BUA (`srf.createB2BUA` to a SIPp UAS, either side's BYE tears down the other).
 */
import type { Srf as SrfType } from '../../test-support/srf-app.js';
import { connectSrf, disconnectSrf, Srf } from '../../test-support/srf-app.js';

export const APP_SDP = [
  'v=0',
  'o=patchbay 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 30000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** What the apps count, so the bench can tell app-side failures from engine-side ones. */
export interface AppCounters {
  invites: number;
  answered: number;
  failed: number;
  byes: number;
}

export interface RunningApp {
  readonly counters: AppCounters;
  readonly errors: Error[];
  stop(): Promise<void>;
}

type Handler = (req: SrfType.SrfRequest, res: SrfType.SrfResponse) => void;
/** srf delegates every SIP verb (`srf.bye`, …) to its app; the bundled typings only declare invite. */
type Verbs = Record<'bye', (h: Handler) => void>;

async function connect(adminPort: number): Promise<{ srf: Srf; errors: Error[] }> {
  const srf = new Srf();
  const errors: Error[] = [];
  await connectSrf(srf, { port: adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } }, errors);
  return { srf, errors };
}

function running(srf: Srf, errors: Error[], counters: AppCounters): RunningApp {
  return { counters, errors, stop: () => disconnectSrf(srf) };
}

/** `srf.invite((req, res) => res.send(200, {body: sdp}))`, and BYE answered 200. */
export async function startUasApp(adminPort: number): Promise<RunningApp> {
  const { srf, errors } = await connect(adminPort);
  const counters: AppCounters = { invites: 0, answered: 0, failed: 0, byes: 0 };
  srf.invite((_req, res) => {
    counters.invites++;
    res.send(200, { body: APP_SDP, headers: { 'Content-Type': 'application/sdp' } });
    counters.answered++;
  });
  (srf as unknown as Verbs).bye((_req, res) => {
    counters.byes++;
    res.send(200);
  });
  return running(srf, errors, counters);
}

/**
 * `srf.createB2BUA(req, res, target(), {localSdpB: req.body})`, each leg's BYE hangs up the other.
 * `target` is read per call so each benchmark step can use a fresh far end.
 */
export async function startB2buaApp(adminPort: number, target: () => string): Promise<RunningApp> {
  const { srf, errors } = await connect(adminPort);
  const counters: AppCounters = { invites: 0, answered: 0, failed: 0, byes: 0 };
  srf.invite((req, res) => {
    counters.invites++;
    srf.createB2BUA(req, res, target(), { localSdpB: req.body }).then(
      ({ uas, uac }) => {
        counters.answered++;
        uas.on('destroy', () => {
          counters.byes++;
          uac.destroy();
        });
        uac.on('destroy', () => {
          counters.byes++;
          uas.destroy();
        });
      },
      () => {
        counters.failed++;
      },
    );
  });
  return running(srf, errors, counters);
}
