/** Engine metrics: tallies on the hot path, Prometheus text at scrape time with the fixed label sets. */
import t from 'tap';
import { Registry } from 'prom-client';
import { createEngineMetrics } from './metrics.js';

const source = {
  dialogs: () => 3,
  pendingRequests: () => 1,
  transactions: () => ({ client: 2, server: 5 }),
  connections: () => 0,
  transportDrops: () => ({ malformed: 4, oversize: 0, rateLimited: 7 }),
};

t.test('counters report what was tallied, with low-cardinality labels', async (t) => {
  const m = createEngineMetrics(source, new Registry());
  m.request('in', 'INVITE');
  m.request('in', 'INVITE');
  m.request('in', 'FROBNICATE');
  m.request('out', 'BYE');
  m.response('out', 200);
  m.response('out', 183);
  m.response('in', 99);
  m.response('in', 700);
  m.dialogOpened('uas');
  m.dialogClosed('bye');
  m.retransmission('2xx');
  m.rejected('no-app');
  m.rejected('no-app');
  const text = await m.registry.metrics();
  t.match(text, 'sip_engine_requests_total{direction="in",method="INVITE"} 2');
  t.match(text, 'sip_engine_requests_total{direction="in",method="other"} 1', 'unknown methods are "other"');
  t.match(text, 'sip_engine_requests_total{direction="out",method="BYE"} 1');
  t.match(text, 'sip_engine_responses_total{direction="out",class="2xx"} 1');
  t.match(text, 'sip_engine_responses_total{direction="out",class="1xx"} 1');
  t.match(text, 'sip_engine_responses_total{direction="in",class="other"} 2', 'out-of-range statuses');
  t.match(text, 'sip_engine_dialogs_opened_total{role="uas"} 1');
  t.match(text, 'sip_engine_dialogs_closed_total{cause="bye"} 1');
  t.match(text, 'sip_engine_retransmissions_total{kind="2xx"} 1');
  t.match(text, 'sip_engine_rejected_total{reason="no-app"} 2');
  t.match(text, 'sip_engine_transactions{side="server"} 5');
  t.match(text, 'sip_engine_transport_dropped{reason="rate-limited"} 7');
  m.request('in', 'INVITE');
  t.match(
    await m.registry.metrics(),
    'sip_engine_requests_total{direction="in",method="INVITE"} 3',
    'a second scrape sees the running total, not a sum of scrapes',
  );
});
