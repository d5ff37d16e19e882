/**
 * REST: the live queue view and the call history, for supervisors and admins.
 *
 *   GET /api/v1/queues            configured queues: live state (queue.state) and today's counts
 *   GET /api/v1/queues/:id        one queue (404 when not configured)
 *   GET /api/v1/calls             history, newest first: from, to, queue, agent, outcome, caller,
 *                                 gateway; limit (1-500, default 50); cursor from `nextCursor`
 *   GET /api/v1/calls/:id         one call with its offers (404 when unknown)
 *
 * Bad queries are 400 `validation` with one detail per bad field (schema checks in infra/http,
 * plus unparsable times, from >= to and cursors this API did not hand out, checked here).
 */
import { addRoute, ErrorBodySchema, NotFoundError, ValidationError } from '../../../infra/http/index.js';
import type { FieldError } from '../../../infra/http/index.js';
import type { Db } from '../../../infra/db/index.js';
import type { QueueBoard } from '../queue-board.js';
import { getCallWithOffers, listCalls } from '../store/record-queries.js';
import type { CallFilter } from '../store/record-queries.js';
import { callView, decodeCursor, encodeCursor, offerView } from './call-views.js';
import {
  CallDetail,
  CallIdParams,
  CallList,
  CallsQuery,
  QueueIdParams,
  QueueList,
  QueueView,
} from './record-schemas.js';
import type { CallsQueryData } from './record-schemas.js';

/** The API server as infra/http builds it (this folder never imports fastify). */
type HttpApp = Parameters<typeof addRoute>[0];

const notFound = { 404: ErrorBodySchema };

export function registerRecordRoutes(app: HttpApp, deps: { board: QueueBoard; db: Db }): void {
  registerQueueRoutes(app, deps.board);
  registerCallRoutes(app, deps.db);
}

function registerQueueRoutes(app: HttpApp, board: QueueBoard): void {
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/queues',
    access: 'supervisor',
    tags: ['queues'],
    summary: "Queues with their live state and today's counts",
    response: QueueList,
    handler: async () => ({ queues: await board.views() }),
  });
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/queues/:id',
    access: 'supervisor',
    tags: ['queues'],
    summary: "One queue with its live state and today's counts",
    params: QueueIdParams,
    response: QueueView,
    otherResponses: notFound,
    handler: async ({ params }) => {
      const [view] = board.has(params.id) ? await board.views(params.id) : [];
      if (!view) throw new NotFoundError(`no queue '${params.id}'`);
      return view;
    },
  });
}

function registerCallRoutes(app: HttpApp, db: Db): void {
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/calls',
    access: 'supervisor',
    tags: ['calls'],
    summary: 'Call history, newest first, with filters and cursor pagination',
    query: CallsQuery,
    response: CallList,
    handler: async ({ query }) => {
      const page = await listCalls(db, toFilter(query));
      const calls = page.calls.map(callView);
      return page.next ? { calls, nextCursor: encodeCursor(page.next) } : { calls };
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/calls/:id',
    access: 'supervisor',
    tags: ['calls'],
    summary: 'One call with its offers',
    params: CallIdParams,
    response: CallDetail,
    otherResponses: notFound,
    handler: async ({ params }) => {
      const found = await getCallWithOffers(db, params.id);
      if (!found) throw new NotFoundError(`no call '${params.id}'`);
      return { ...callView(found.call), offers: found.offers.map(offerView) };
    },
  });
}

/** The query as a filter; every problem the schema could not see, listed at once. */
export function toFilter(q: CallsQueryData): CallFilter {
  const bad: FieldError[] = [];
  const time = (name: 'from' | 'to'): Date | undefined => {
    const text = q[name];
    if (text === undefined) return undefined;
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return d;
    bad.push({ path: `/querystring/${name}`, message: 'not a valid time' });
    return undefined;
  };
  const from = time('from');
  const to = time('to');
  if (from && to && from.getTime() >= to.getTime()) {
    bad.push({ path: '/querystring/to', message: 'must be after from' });
  }
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (q.cursor !== undefined && after === undefined) {
    bad.push({ path: '/querystring/cursor', message: 'not a cursor from this API' });
  }
  if (bad.length > 0) throw new ValidationError('invalid querystring', { details: bad });
  return {
    limit: q.limit,
    ...(from && { from }),
    ...(to && { to }),
    ...(q.queue !== undefined && { queueId: q.queue }),
    ...(q.agent !== undefined && { agentId: q.agent }),
    ...(q.outcome !== undefined && { outcome: q.outcome }),
    ...(q.caller !== undefined && { caller: q.caller }),
    ...(q.gateway !== undefined && { gatewayId: q.gateway }),
    ...(after && { after }),
  };
}
