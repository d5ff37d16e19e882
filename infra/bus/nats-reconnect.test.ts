/**
 * Reconnect: our own nats-server on a free port is killed and restarted on the same port; the bus
 * logs the disconnect and the reconnect, keeps its subscription, and a publication made after the
 * restart is delivered. Waits on status events and deliveries with deadlines, never sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import t from 'tap';
import { CaptureLogger } from '../../test-support/capture-logger.js';
import { freePort } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { nextEvent, waitFor } from '../../test-support/wait.js';
import { EVENTS } from './catalogue.js';
import { NatsBus, type BusStatus } from './nats-bus.js';
import type { BusEnvelope } from './types.js';

const program = requireProgram('nats-server');

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

async function startServer(path: string, port: number): Promise<Server> {
  const child = spawn(path, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await waitFor(() => output.includes('Server is ready') || child.exitCode !== null, {
    what: 'nats-server ready',
    timeoutMs: 10000,
  });
  if (!output.includes('Server is ready')) throw new Error(`nats-server did not start: ${output}`);
  return { child, exited };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

t.test(
  'the bus reconnects after the server restarts and delivers later publications',
  'skip' in program ? { skip: program.skip } : {},
  async (t) => {
    if (!('path' in program)) return;
    const port = await freePort();
    let server = await startServer(program.path, port);
    t.teardown(() => stopServer(server));

    const logger = new CaptureLogger();
    const bus = await NatsBus.connect({
      url: `nats://127.0.0.1:${port}`,
      nodeId: 'node-a',
      logger,
      reconnectTimeWaitMs: 100,
    });
    t.teardown(() => bus.drain());
    const statuses = new EventEmitter();
    bus.onStatus((s) => statuses.emit('status', s));
    const got: BusEnvelope[] = [];
    bus.subscribe('system.>', (e) => got.push(e));

    await bus.publish(EVENTS.systemStarted, { version: '1', pid: 1 });
    await waitFor(() => got.length === 1, { what: 'delivery before the restart', timeoutMs: 5000 });

    const isType = (type: BusStatus['type']) => (s: BusStatus) => s.type === type;
    const disconnected = nextEvent<[BusStatus]>(statuses, 'status', {
      filter: isType('disconnect'),
      timeoutMs: 10000,
    });
    await stopServer(server);
    await disconnected;

    const reconnected = nextEvent<[BusStatus]>(statuses, 'status', {
      filter: isType('reconnect'),
      timeoutMs: 15000,
    });
    server = await startServer(program.path, port);
    await reconnected;

    await bus.publish(EVENTS.systemStopping, { reason: 'after restart' });
    await waitFor(() => got.length === 2, { what: 'delivery after the restart', timeoutMs: 5000 });
    t.same(
      got.map((e) => e.type),
      ['system.started', 'system.stopping'],
    );
    t.same(got[1]?.data, { reason: 'after restart' });
    t.equal(logger.withMsg('bus disconnected from NATS').length, 1, 'disconnect logged');
    t.equal(logger.withMsg('bus reconnected to NATS').length, 1, 'reconnect logged');
  },
);

t.test(
  'drain while the server is down gives up after drainTimeoutMs and closes',
  'skip' in program ? { skip: program.skip } : {},
  async (t) => {
    if (!('path' in program)) return;
    const port = await freePort();
    const server = await startServer(program.path, port);
    t.teardown(() => stopServer(server));
    const logger = new CaptureLogger();
    const bus = await NatsBus.connect({
      url: `nats://127.0.0.1:${port}`,
      nodeId: 'node-a',
      logger,
      reconnectTimeWaitMs: 100,
      drainTimeoutMs: 300,
    });
    const statuses = new EventEmitter();
    bus.onStatus((s) => statuses.emit('status', s));
    const disconnected = nextEvent<[BusStatus]>(statuses, 'status', {
      filter: (s: BusStatus) => s.type === 'disconnect',
      timeoutMs: 10000,
    });
    await stopServer(server);
    await disconnected;
    await bus.publish(EVENTS.systemStopping, { reason: 'buffered while down' });
    await bus.drain();
    t.equal(logger.withMsg('bus drain incomplete; closing the connection').length, 1);
    await t.rejects(bus.publish(EVENTS.systemStopping, { reason: 'after' }), { code: 'closed' });
  },
);
