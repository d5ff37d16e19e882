import t from 'tap';
import { RSeqMap } from './rseq-map.js';

t.test('rewrites RSeqs from one upstream sequence and maps PRACKs back (RFC 3262 §3, §7.2)', (t) => {
  const map = new RSeqMap<string>(() => 0);
  const a1 = map.rewrite('a', 17);
  const b1 = map.rewrite('b', 17);
  const a2 = map.rewrite('a', 18);
  t.equal(a1, 1, 'first value from the random start');
  t.equal(b1, a1 + 1, 'same downstream RSeq on another branch gets its own value');
  t.equal(a2, b1 + 1);
  t.same(map.lookup(a1), { branch: 'a', rseq: 17 });
  t.same(map.lookup(b1), { branch: 'b', rseq: 17 });
  t.same(map.lookup(a2), { branch: 'a', rseq: 18 });
  t.equal(map.lookup(999), undefined);
  t.end();
});

t.test('a retransmitted reliable 1xx gets the same upstream RSeq again', (t) => {
  const map = new RSeqMap<string>(() => 0.5);
  const first = map.rewrite('a', 5);
  t.equal(map.rewrite('a', 5), first);
  t.equal(map.size, 1);
  t.end();
});

t.test('the initial value stays below 2**31 - 1 with room to count (RFC 3262 §3)', (t) => {
  const map = new RSeqMap<string>(() => 0.999999999);
  const v = map.rewrite('a', 1);
  t.ok(v >= 1 && v < 2 ** 31 - 1);
  t.end();
});
