/**
 * The RFC 3903 publisher with a FakeClock and a scripted PublishChannel: initial PUBLISH, refresh
 * with SIP-If-Match before expiry, rate-limited modify only when the document changed, 412 → a
 * fresh initial PUBLISH, 423 → Min-Expires, failure → backoff, removal at close; and the state
 * machine's illegal moves.
 */
import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { QueuePresenceError } from '../errors.js';
import { publicationTransition } from './publication-state.js';
import type { PublishAnswer, PublishRequest } from './publication-state.js';
import { QueuePublisher } from './queue-publisher.js';

function world(opts: { expiresS?: number; minIntervalMs?: number } = {}) {
  const clock = new FakeClock();
  const sent: PublishRequest[] = [];
  const answers: PublishAnswer[] = [];
  let tagNo = 0;
  let doc = { body: '<presence>1</presence>', etag: 'd1' };
  const publisher = new QueuePublisher({
    clock,
    channel: {
      publish: (r) => {
        sent.push(r);
        return Promise.resolve(
          answers.shift() ?? { kind: 'accepted', etag: `e${++tagNo}`, expiresS: r.expiresS },
        );
      },
    },
    content: () => doc,
    expiresS: opts.expiresS ?? 600,
    minIntervalMs: opts.minIntervalMs ?? 5000,
  });
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const setDoc = (n: number) => (doc = { body: `<presence>${n}</presence>`, etag: `d${n}` });
  return { clock, sent, answers, publisher, settle, setDoc };
}

t.test('initial PUBLISH, refresh before expiry, modify on change (rate limited), remove', async (t) => {
  const w = world({ expiresS: 100 });
  w.publisher.start();
  await w.settle();
  t.match(w.sent[0], { kind: 'initial', expiresS: 100, body: '<presence>1</presence>' });
  t.notOk('etag' in (w.sent[0] ?? {}), 'initial PUBLISH has no SIP-If-Match');
  t.match(w.publisher.view(), { state: 'published', etag: 'e1' });

  w.publisher.changed(); // same document: nothing to send
  await w.settle();
  t.equal(w.sent.length, 1, 'an unchanged document is not published again');

  w.clock.advance(84_999);
  await w.settle();
  t.equal(w.sent.length, 1, 'no refresh before 85 % of Expires');
  w.clock.advance(1);
  await w.settle();
  t.same(w.sent[1], { kind: 'refresh', etag: 'e1', expiresS: 100 }, 'refresh: SIP-If-Match, no body');
  t.equal(w.publisher.view().etag, 'e2', 'the new entity-tag is kept');

  w.setDoc(2);
  w.publisher.changed(); // the last body went out 85 s ago: at once
  await w.settle();
  t.match(w.sent[2], { kind: 'modify', etag: 'e2', body: '<presence>2</presence>' });
  w.setDoc(3);
  w.publisher.changed();
  w.setDoc(4);
  w.publisher.changed();
  await w.settle();
  t.equal(w.sent.length, 3, 'changes within the min interval wait');
  w.clock.advance(5000);
  await w.settle();
  t.match(w.sent[3], { kind: 'modify', etag: 'e3', body: '<presence>4</presence>' }, 'coalesced');
  t.equal(w.sent.length, 4);

  await w.publisher.close();
  t.same(w.sent[4], { kind: 'remove', etag: 'e4', expiresS: 0 }, 'Expires: 0 with SIP-If-Match');
  t.equal(w.publisher.view().state, 'closed');
});

t.test('412 → a fresh initial PUBLISH; 423 → Min-Expires; failures back off', async (t) => {
  const w = world({ expiresS: 30 });
  w.answers.push({ kind: 'interval-too-brief', minExpiresS: 60 });
  w.publisher.start();
  await w.settle();
  t.equal(w.publisher.view().state, 'backoff');
  w.clock.advance(0);
  await w.settle();
  t.match(w.sent[1], { kind: 'initial', expiresS: 60 }, 'again with Min-Expires');
  t.equal(w.publisher.view().state, 'published');

  w.answers.push({ kind: 'precondition-failed' });
  w.clock.advance(51_000); // refresh at 60 − 9 s
  await w.settle();
  t.match(w.sent[2], { kind: 'refresh', etag: 'e1' });
  t.match(w.sent[3], { kind: 'initial', body: '<presence>1</presence>' }, '412: publish anew');
  t.notOk('etag' in (w.sent[3] ?? {}));
  t.match(w.publisher.view(), { state: 'published', etag: 'e2', preconditionFailures: 1 });

  w.answers.push({ kind: 'failed', status: 503 }, { kind: 'failed', status: 500, retryAfterS: 7 });
  w.setDoc(9);
  w.publisher.changed(); // the initial PUBLISH carried a body just now: the modify waits 5 s
  await w.settle();
  t.equal(w.sent.length, 4);
  w.clock.advance(5000);
  await w.settle();
  t.match(w.sent[4], { kind: 'modify', etag: 'e2', body: '<presence>9</presence>' });
  t.match(w.publisher.view(), { state: 'backoff', failures: 1 });
  w.clock.advance(1000);
  await w.settle();
  t.match(w.sent.at(-1), { kind: 'modify', etag: 'e2', body: '<presence>9</presence>' }, 'retried after 1 s');
  t.equal(w.publisher.view().state, 'backoff', 'failed again (Retry-After: 7)');
  w.clock.advance(6999);
  await w.settle();
  const before = w.sent.length;
  w.clock.advance(1);
  await w.settle();
  t.equal(w.sent.length, before + 1, 'the server’s Retry-After is honoured');
  t.equal(w.publisher.view().state, 'published');
});

t.test('close without a publication sends nothing; illegal moves throw', async (t) => {
  const w = world();
  await w.publisher.close();
  t.equal(w.sent.length, 0);
  t.equal(w.publisher.view().state, 'closed');
  t.throws(() => publicationTransition('closed', 'send'), QueuePresenceError);
  t.throws(() => publicationTransition('published', 'accepted'), { code: 'illegal-publication-transition' });
  t.throws(() => publicationTransition('unpublished', 'removed'));
});

t.test('close gives up on a PUBLISH that is never answered', async (t) => {
  const clock = new FakeClock();
  let sent = 0;
  const publisher = new QueuePublisher({
    clock,
    channel: {
      publish: () => {
        sent++;
        return new Promise<PublishAnswer>(() => undefined);
      },
    },
    content: () => ({ body: '<presence/>', etag: 'd' }),
    expiresS: 600,
    minIntervalMs: 0,
    closeWaitMs: 2000,
  });
  publisher.start();
  const closing = publisher.close();
  clock.advance(2000);
  await closing;
  t.equal(publisher.view().state, 'closed');
  t.equal(sent, 1, 'no removal: nothing is known to be published');
});
