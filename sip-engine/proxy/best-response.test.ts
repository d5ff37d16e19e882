import t from 'tap';
import { endsSearch, responseRank, selectBestResponse, upstreamStatusFor } from './best-response.js';

const best = (...statuses: number[]): number | undefined =>
  selectBestResponse(statuses.map((status) => ({ status })))?.status;

t.test('RFC 3261 §16.7 step 6: a 6xx wins over everything', (t) => {
  t.equal(best(486, 603, 302, 401), 603);
  t.equal(best(500, 600), 600);
  t.end();
});

t.test('otherwise the lowest class wins: 3xx, then 4xx, then 5xx', (t) => {
  t.equal(best(503, 302, 486), 302);
  t.equal(best(503, 486), 486);
  t.equal(best(500, 503), 500, 'ties keep the first received');
  t.end();
});

t.test('within 4xx, 401/407/415/420/484 are preferred', (t) => {
  for (const hint of [401, 407, 415, 420, 484]) t.equal(best(486, 404, hint, 480), hint, `${hint} preferred`);
  t.equal(best(486, 404), 486, 'plain 4xx: first received');
  t.equal(best(407, 401), 407, 'two hints: first received');
  t.end();
});

t.test('no final response at all → undefined (the caller sends 408); 1xx/2xx are never candidates', (t) => {
  t.equal(best(), undefined);
  t.equal(best(180, 200), undefined);
  t.end();
});

t.test('rank order and helpers', (t) => {
  t.ok(responseRank(603) < responseRank(301));
  t.ok(responseRank(301) < responseRank(401));
  t.ok(responseRank(401) < responseRank(486));
  t.ok(responseRank(486) < responseRank(500));
  t.same(
    upstreamStatusFor(503),
    { status: 500, reason: 'Server Internal Error' },
    '503 becomes 500 upstream',
  );
  t.same(upstreamStatusFor(486), { status: 486 });
  t.ok(endsSearch(600));
  t.notOk(endsSearch(486));
  t.end();
});
