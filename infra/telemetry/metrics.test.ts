import t from 'tap';
import { createMetrics } from './metrics.js';

t.test('a registry with default process metrics, event-loop delay and patchbay metrics', async (t) => {
  const m = createMetrics();
  m.http.requests.inc({ method: 'GET', route: '/api/v1/status', status: '2xx' });
  m.ws.connections.inc();
  m.componentReady.set({ component: 'database' }, 1);
  const text = await m.text();
  t.match(m.contentType, /^text\/plain/);
  t.match(text, /^# HELP process_cpu_user_seconds_total/m);
  t.match(text, /^nodejs_eventloop_lag_p99_seconds \d/m);
  t.match(text, /^patchbay_http_requests_total\{method="GET",route="\/api\/v1\/status",status="2xx"\} 1$/m);
  t.match(text, /^patchbay_ws_connections 1$/m);
  t.match(text, /^patchbay_component_ready\{component="database"\} 1$/m);
});

t.test('each call makes an independent registry', async (t) => {
  const a = createMetrics();
  const b = createMetrics();
  a.ws.eventsSent.inc(5);
  t.match(await a.text(), /^patchbay_ws_events_sent_total 5$/m);
  t.match(await b.text(), /^patchbay_ws_events_sent_total 0$/m);
});
