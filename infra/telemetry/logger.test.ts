import t from 'tap';
import { callLogger, componentLogger, createLogger } from './logger.js';

/** A pino destination that keeps each JSON line. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
}

t.test('root logger: level from config, node id bound, ISO time', (t) => {
  const dest = capture();
  const log = createLogger({ log: { level: 'info' }, node: { id: 'n1' } }, dest);
  log.debug('hidden');
  log.info({ x: 1 }, 'shown');
  t.equal(dest.lines.length, 1);
  t.match(dest.lines[0], { node: 'n1', x: 1, msg: 'shown', time: /^\d{4}-\d\d-\d\dT/ });
  t.end();
});

t.test('child loggers per component and per call carry their bindings', (t) => {
  const dest = capture();
  const root = createLogger({ log: { level: 'debug' }, node: { id: 'n1' } }, dest);
  const call = callLogger(componentLogger(root, 'router'), 'call-42', { queue: 'sales' });
  call.debug('offered');
  t.match(dest.lines[0], {
    node: 'n1',
    component: 'router',
    callId: 'call-42',
    queue: 'sales',
    msg: 'offered',
  });
  t.end();
});

t.test('secret fields are redacted at the top level and nested', (t) => {
  const dest = capture();
  const log = createLogger({ log: { level: 'info' }, node: { id: 'n1' } }, dest);
  log.info(
    {
      token: 'tok-1',
      admin: { secret: 'sec-1', port: 9022 },
      db: { conn: { password: 'pw-1' } },
      req: { headers: { authorization: 'Bearer tok-2', host: 'h' } },
    },
    'with secrets',
  );
  const text = JSON.stringify(dest.lines[0]);
  for (const s of ['tok-1', 'sec-1', 'pw-1', 'tok-2']) t.notOk(text.includes(s), `${s} redacted`);
  t.match(dest.lines[0], { admin: { secret: '[redacted]', port: 9022 }, req: { headers: { host: 'h' } } });
  t.end();
});
