/**
 * The hold program with a scripted media server and a FakeClock: music first, an announcement
 * every interval as prompts in sequence (each after the previous one's duration), music again,
 * stop; a failing media server leaves the program running.
 */
import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import type { CallLog } from '../call-ports.js';
import { HoldPlayer } from './hold-player.js';
import type { MediaCall } from './media-call.js';

const log: CallLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function fakeMedia(fail = false): { media: MediaCall; calls: string[] } {
  const calls: string[] = [];
  const ok = (what: string) => (): Promise<void> => {
    calls.push(what);
    return Promise.resolve();
  };
  const media: MediaCall = {
    offer: () => Promise.resolve(''),
    answer: () => Promise.resolve(''),
    play: (tag, file, repeat) => {
      calls.push(`play ${tag} ${file.split('/').pop() ?? ''} x${repeat}`);
      return fail ? Promise.reject(new Error('rtpengine down')) : Promise.resolve({ durationMs: 500 });
    },
    stop: ok('stop'),
    block: ok('block'),
    unblock: ok('unblock'),
    delete: ok('delete'),
  };
  return { media, calls };
}

t.test('music, then position and wait prompts one after another, then music; stop', async (t) => {
  const clock = new FakeClock();
  const { media, calls } = fakeMedia();
  const p = new HoldPlayer({
    media,
    clock,
    log,
    callId: 'c1',
    mediaDir: '/m',
    announceEveryMs: 10_000,
    waitOf: () => ({ position: 2, expectedWaitS: 30 }),
  });
  await p.start();
  t.same(calls, ['play caller hold-music.wav x10000']);
  t.equal(p.state, 'music');
  clock.advance(10_000);
  await flush();
  t.equal(p.state, 'announcing');
  for (let i = 0; i < 3; i++) {
    clock.advance(500);
    await flush();
  }
  t.same(calls.slice(1), [
    'play caller you-are-number.wav x1',
    'play caller n2.wav x1',
    'play caller in-the-queue.wav x1',
    'play caller wait-less-than-a-minute.wav x1',
  ]);
  clock.advance(500);
  await flush();
  t.equal(p.state, 'music', 'music again after the last prompt');
  t.equal(calls.at(-1), 'play caller hold-music.wav x10000');
  await p.stop();
  await p.stop();
  t.equal(p.state, 'stopped');
  t.equal(calls.filter((c) => c === 'stop').length, 1, 'stop media once');
  const n = calls.length;
  clock.advance(60_000);
  await flush();
  t.equal(calls.length, n, 'nothing plays after stop');
});

t.test('no position known: no announcement, the music goes on; media errors are not fatal', async (t) => {
  const clock = new FakeClock();
  const { media, calls } = fakeMedia(true);
  const p = new HoldPlayer({
    media,
    clock,
    log,
    callId: 'c2',
    mediaDir: '/m',
    announceEveryMs: 1000,
    waitOf: () => undefined,
  });
  await p.start();
  clock.advance(1000);
  await flush();
  clock.advance(1000);
  await flush();
  t.equal(p.state, 'music');
  t.same(calls, ['play caller hold-music.wav x10000'], 'only the (failed) music play');
});
