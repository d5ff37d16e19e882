/**
 * `GET /api/v1/events?topics=agent.>,queue.*` (WebSocket): streams every bus envelope matching the
 * topic patterns, one JSON text message per envelope. Auth: bearer token in the Authorization header,
 * or `?token=` for browsers. One bus subscription per pattern per socket, all removed on close; an
 * envelope matching several patterns is sent once. An agent token sees only envelopes whose payload
 * names its own agent (`envelopeScope`), e.g. its offers on `call.offered.>`. A client that stops
 * reading (more than `maxBufferedBytes` queued) is closed with 1013 and should reconnect. Messages from the client are
 * ignored. A plain HTTP GET (no upgrade) gets 426.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { BusEnvelope, EventBus, Unsubscribe } from '../../bus/types.js';
import type { Logger, Metrics } from '../../telemetry/index.js';
import { UpgradeRequiredError } from '../errors.js';
import { envelopeScope } from '../event-scope.js';
import type { EnvelopeFilter } from '../event-scope.js';
import { routeSchema } from '../route.js';
import { MAX_PATTERNS, splitTopics, TOPICS_PATTERN } from '../topics.js';

/** Role needed to open the stream; an agent token's stream is scoped to its agent (event-scope.ts). */
export const EVENTS_ACCESS = 'agent';

const EventsQuery = Type.Object(
  {
    topics: Type.String({
      pattern: TOPICS_PATTERN,
      maxLength: 2000,
      description:
        'Comma-separated topic patterns (NATS wildcards: * one token, > the rest), e.g. agent.>,queue.*',
    }),
    token: Type.Optional(
      Type.String({ description: 'API token, for clients that cannot set Authorization' }),
    ),
  },
  { additionalProperties: false },
);

export interface EventsDeps {
  bus: EventBus;
  logger: Logger;
  metrics: Metrics;
  maxBufferedBytes?: number;
}

const RECENT_IDS = 512;

export function registerEventsRoute(app: FastifyInstance, deps: EventsDeps): void {
  app.route({
    method: 'GET',
    url: '/api/v1/events',
    schema: routeSchema({
      access: EVENTS_ACCESS,
      summary: 'Event stream (WebSocket): bus envelopes matching ?topics',
      description:
        'Upgrade to WebSocket; each message is a JSON bus envelope {id, topic, type, at, source, data}.',
      tags: ['events'],
      query: EventsQuery,
    }),
    onRequest: app.authenticator.hook(EVENTS_ACCESS, { allowQueryToken: true }),
    handler: () => {
      throw new UpgradeRequiredError('this endpoint is a WebSocket: send an Upgrade request');
    },
    wsHandler: (socket, request) => streamEvents(socket, request, deps),
  });
}

function streamEvents(socket: WebSocket, request: FastifyRequest, deps: EventsDeps): void {
  const { topics } = request.query as { topics: string };
  const patterns = splitTopics(topics);
  const log = deps.logger.child({ component: 'http-events', reqId: request.id });
  if (patterns.length > MAX_PATTERNS) {
    socket.close(1008, `at most ${MAX_PATTERNS} topic patterns`);
    return;
  }
  const deliver = deliverer(socket, deps, envelopeScope(request.principal));
  const unsubscribes: Unsubscribe[] = [];
  try {
    for (const p of patterns) unsubscribes.push(deps.bus.subscribe(p, deliver));
  } catch (err) {
    // The bus refused (e.g. it is draining at shutdown): undo, and give the client a retryable close.
    for (const u of unsubscribes) u();
    log.warn({ err }, 'event stream subscription failed');
    socket.close(1011, 'subscription failed');
    return;
  }
  deps.metrics.ws.connections.inc();
  log.debug({ patterns, role: request.principal?.role }, 'event stream opened');
  socket.on('error', (err) => log.debug({ err }, 'event stream socket error'));
  socket.once('close', (code) => {
    for (const u of unsubscribes) u();
    deps.metrics.ws.connections.dec();
    log.debug({ code }, 'event stream closed');
  });
}

/** The per-socket bus handler: sends each envelope once, closing a socket that stopped reading. */
function deliverer(
  socket: WebSocket,
  deps: EventsDeps,
  visible: EnvelopeFilter,
): (envelope: BusEnvelope) => void {
  const maxBuffered = deps.maxBufferedBytes ?? 1024 * 1024;
  const recent = new Set<string>();
  return (envelope) => {
    if (socket.readyState !== socket.OPEN || recent.has(envelope.id) || !visible(envelope)) return;
    recent.add(envelope.id);
    if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value ?? '');
    if (socket.bufferedAmount > maxBuffered) {
      deps.metrics.ws.eventsDropped.inc({ reason: 'backpressure' });
      socket.close(1013, 'client too slow');
      return;
    }
    socket.send(JSON.stringify(envelope), (err) => {
      if (err) deps.metrics.ws.eventsDropped.inc({ reason: 'send-error' });
    });
    deps.metrics.ws.eventsSent.inc();
  };
}
