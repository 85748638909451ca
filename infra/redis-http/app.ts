// The HTTP side of the bridge: routing, authentication and the mapping of outcomes to
// responses. Raw node:http rather than a framework: the bridge only runs on Node, sits on the
// hot path of every Redis call, and needs fine control of bodies and streams.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { presentedToken } from './auth.js';
import {
  parseCommand,
  parseCommandList,
  parseJsonBody,
  parsePathCommand,
  type RedisCommand,
} from './command-input.js';
import type { RedisConnections } from './connections.js';
import {
  BadRequestError,
  BridgeHttpError,
  ClientGoneError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RedisReplyError,
  UnauthorizedError,
} from './errors.js';
import type { CommandExecutor } from './executor.js';
import { loggablePath, type ResponseHeaders, readBody, sendJson } from './http-io.js';
import {
  type CommandOutcome,
  errorToJson,
  outcomeToJson,
  type ReplyEncoding,
} from './resp-encoding.js';
import type { BridgeEndpoint, BridgeStats, StatsCollector } from './stats.js';
import { type StreamRegistry, streamSubscription } from './subscription-stream.js';

/** Upstash's words for a command whose request or answer is over its max request size. */
const ANSWER_TOO_LARGE = 'ERR max request size exceeded';

export interface BridgeAppDeps {
  readonly executor: CommandExecutor;
  readonly connections: RedisConnections;
  readonly stats: StatsCollector;
  readonly statsSnapshot: () => BridgeStats;
  readonly checkToken: (presented: string | undefined) => boolean;
  readonly bodyLimitBytes: number;
  readonly answerLimitBytes: number;
  readonly maxPipelineCommands: number;
  readonly subscriberBacklogBytes: number;
  readonly streams: StreamRegistry;
  readonly log: (line: string) => void;
}

type Route =
  | { kind: 'health' }
  | { kind: 'stats' }
  | { kind: 'stats-reset' }
  | { kind: 'command' }
  | { kind: 'pipeline' }
  | { kind: 'multi-exec' }
  | { kind: 'subscribe'; pattern: boolean; target: string }
  | { kind: 'path-command' }
  | { kind: 'not-found' };

const ALLOWED_METHODS: Record<Route['kind'], readonly string[]> = {
  health: ['GET', 'HEAD'],
  stats: ['GET'],
  'stats-reset': ['POST'],
  command: ['POST', 'PUT'],
  pipeline: ['POST', 'PUT'],
  'multi-exec': ['POST', 'PUT'],
  // EventSource can only GET; the Upstash client POSTs.
  subscribe: ['GET', 'POST'],
  'path-command': ['GET', 'HEAD', 'POST', 'PUT'],
  'not-found': ['GET', 'HEAD', 'POST', 'PUT'],
};

const ENDPOINT_OF: Record<Route['kind'], BridgeEndpoint | undefined> = {
  health: undefined,
  stats: undefined,
  'stats-reset': undefined,
  command: 'command',
  pipeline: 'pipeline',
  'multi-exec': 'multi-exec',
  subscribe: 'subscribe',
  'path-command': 'path-command',
  'not-found': 'other',
};

/** Browsers may call the bridge directly (with the token), like Upstash. */
const CORS_HEADERS: ResponseHeaders = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'upstash-sync-token',
};

function decodeTarget(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError('ERR the channel in the URL contains malformed percent-encoding');
  }
}

/** Maps a path to a route. Any path that is not reserved is an Upstash URL-form command. */
function resolveRoute(pathname: string): Route {
  switch (pathname) {
    case '/':
      return { kind: 'command' };
    case '/pipeline':
      return { kind: 'pipeline' };
    case '/multi-exec':
      return { kind: 'multi-exec' };
    case '/__health':
      return { kind: 'health' };
    case '/__stats':
      return { kind: 'stats' };
    case '/__stats/reset':
      return { kind: 'stats-reset' };
  }
  const subscribe = /^\/(p?subscribe)\/(.+)$/.exec(pathname);
  if (subscribe?.[1] && subscribe[2]) {
    // The client does not encode the channel, so a channel may contain slashes: keep them.
    return { kind: 'subscribe', pattern: subscribe[1] === 'psubscribe', target: subscribe[2] };
  }
  if (
    pathname.startsWith('/__') ||
    /^\/(pipeline|multi-exec|p?subscribe)(\/|$)/.test(pathname) ||
    pathname.replaceAll('/', '') === ''
  ) {
    return { kind: 'not-found' };
  }
  return { kind: 'path-command' };
}

function splitUrl(rawUrl: string): { pathname: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  return { pathname, query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)) };
}

function replyEncodingOf(req: IncomingMessage): ReplyEncoding {
  const format = req.headers['upstash-response-format'];
  if (format !== undefined && String(format).toLowerCase() !== 'json') {
    throw new BadRequestError(`ERR Upstash-Response-Format '${format}' is not supported; use json`);
  }
  const header = req.headers['upstash-encoding'];
  return typeof header === 'string' && header.toLowerCase() === 'base64' ? 'base64' : 'utf8';
}

export function createRequestHandler(
  deps: BridgeAppDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { executor, stats } = deps;

  const respond = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    json: string,
    headers: ResponseHeaders,
    counted: boolean,
  ) => {
    if (counted) stats.countStatus(status);
    sendJson(req, res, status, json, headers);
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    url: { pathname: string; query: URLSearchParams },
    headers: ResponseHeaders,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const { pathname, query } = url;

    if (method === 'OPTIONS') {
      res.writeHead(204, {
        ...headers,
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, OPTIONS',
        'access-control-allow-headers':
          req.headers['access-control-request-headers'] ?? 'authorization, content-type',
        'access-control-max-age': '86400',
      });
      res.end();
      return;
    }

    const endpoint = ENDPOINT_OF[route.kind];
    if (endpoint) stats.countRequest(endpoint);
    if (route.kind === 'health') {
      // From the connection's known state, no command sent: a load balancer polling it often
      // costs Redis nothing. The reason stays in the log: this endpoint needs no token.
      if (deps.connections.isSharedReady()) {
        respond(req, res, 200, '{"ok":true}', headers, false);
      } else {
        const error = `ERR Redis is unavailable: connection is ${deps.connections.shared.status}`;
        respond(req, res, 503, JSON.stringify({ ok: false, error }), headers, false);
      }
      return;
    }
    if (!deps.checkToken(presentedToken(req, query))) throw new UnauthorizedError();
    const allowed = ALLOWED_METHODS[route.kind];
    if (!allowed.includes(method)) throw new MethodNotAllowedError(method, allowed);

    const counted = endpoint !== undefined;
    const aborted = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });

    switch (route.kind) {
      case 'not-found':
        throw new NotFoundError(pathname);
      case 'stats':
        respond(req, res, 200, JSON.stringify(deps.statsSnapshot()), headers, false);
        return;
      case 'stats-reset':
        stats.reset();
        respond(req, res, 200, '{"result":"OK"}', headers, false);
        return;
      case 'subscribe': {
        const target = decodeTarget(route.target);
        await streamSubscription(
          req,
          res,
          { pattern: route.pattern, target },
          {
            connections: deps.connections,
            stats,
            headers,
            streams: deps.streams,
            backlogLimitBytes: deps.subscriberBacklogBytes,
            log: deps.log,
          },
        );
        return;
      }
      case 'command': {
        const encoding = replyEncodingOf(req);
        const command = parseCommand(parseJsonBody(await readBody(req, deps.bodyLimitBytes)));
        await runSingle(req, res, command, encoding, headers, aborted.signal, counted);
        return;
      }
      case 'path-command': {
        const encoding = replyEncodingOf(req);
        const hasBody = method === 'POST' || method === 'PUT';
        const body = hasBody ? await readBody(req, deps.bodyLimitBytes) : undefined;
        const command = parsePathCommand(pathname, query, body);
        await runSingle(req, res, command, encoding, headers, aborted.signal, counted);
        return;
      }
      case 'pipeline': {
        const encoding = replyEncodingOf(req);
        const commands = parseCommandList(
          parseJsonBody(await readBody(req, deps.bodyLimitBytes)),
          deps.maxPipelineCommands,
        );
        const outcomes = await executor.runPipeline(commands, aborted.signal);
        respond(req, res, 200, answersJson(outcomes, encoding), headers, counted);
        return;
      }
      case 'multi-exec': {
        const encoding = replyEncodingOf(req);
        const commands = parseCommandList(
          parseJsonBody(await readBody(req, deps.bodyLimitBytes)),
          deps.maxPipelineCommands,
        );
        const outcomes = await executor.runTransaction(commands);
        respond(req, res, 200, answersJson(outcomes, encoding), headers, counted);
        return;
      }
    }
  }

  async function runSingle(
    req: IncomingMessage,
    res: ServerResponse,
    command: RedisCommand,
    encoding: ReplyEncoding,
    headers: ResponseHeaders,
    signal: AbortSignal,
    counted: boolean,
  ): Promise<void> {
    const outcome = await executor.runCommand(command, signal);
    if (!outcome.ok) throw new RedisReplyError(outcome.error);
    const json = outcomeToJson(outcome, encoding);
    if (overLimit(json)) throw new RedisReplyError(ANSWER_TOO_LARGE);
    respond(req, res, 200, json, headers, counted);
  }

  // Upstash holds a command's answer to its max request size: the command has run, its answer
  // is an error. Each entry of a pipeline on its own, as each is a command.
  function overLimit(json: string): boolean {
    const limit = deps.answerLimitBytes;
    return json.length > limit || (json.length * 3 > limit && Buffer.byteLength(json) > limit);
  }

  function answersJson(outcomes: readonly CommandOutcome[], encoding: ReplyEncoding): string {
    const entries = outcomes.map((o) => {
      const json = outcomeToJson(o, encoding);
      return overLimit(json) ? errorToJson(ANSWER_TOO_LARGE) : json;
    });
    return `[${entries.join(',')}]`;
  }

  return (req, res) => {
    const headers: ResponseHeaders = { ...CORS_HEADERS };
    // Read-your-writes token: one Redis means every read already sees every write, so any
    // value is current; echoing it keeps the client's bookkeeping as it is on Upstash.
    const syncToken = req.headers['upstash-sync-token'];
    if (typeof syncToken === 'string') headers['upstash-sync-token'] = syncToken;
    const url = splitUrl(req.url ?? '/');
    const route = resolveRoute(url.pathname);
    // Admin endpoints stay out of the statistics.
    const counted = ENDPOINT_OF[route.kind] !== undefined;

    handle(req, res, route, url, headers)
      .catch((err: unknown) => answerError(req, res, err, headers, counted))
      .catch((err: unknown) => {
        // Even the error answer failed (socket gone, bad header): just drop the connection.
        deps.log(`redis-http: could not answer ${req.method} ${loggablePath(req)}: ${String(err)}`);
        res.destroy();
      });
  };

  function answerError(
    req: IncomingMessage,
    res: ServerResponse,
    err: unknown,
    headers: ResponseHeaders,
    counted: boolean,
  ): void {
    if (res.headersSent || err instanceof ClientGoneError) {
      res.destroy();
      return;
    }
    if (err instanceof BridgeHttpError) {
      const extra: ResponseHeaders = { ...headers };
      if (err instanceof MethodNotAllowedError) extra.allow = err.allow.join(', ');
      // Do not keep reading an oversized upload: close the connection after answering.
      if (err instanceof PayloadTooLargeError) extra.connection = 'close';
      respond(req, res, err.status, errorToJson(err.message), extra, counted);
      return;
    }
    deps.log(
      `redis-http: internal error on ${req.method} ${loggablePath(req)}: ${err instanceof Error ? err.stack : String(err)}`,
    );
    respond(req, res, 500, errorToJson('ERR internal bridge error'), headers, counted);
  }
}
