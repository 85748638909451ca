import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Queue } from '../core/index.js';
import { waitUntilOf } from './api/deps.js';
import { BODY_DRAIN_BYTES, drainBody } from './api/drain-body.js';
import { type ErrorLog, notFound, onError } from './api/errors.js';
import {
  api,
  defaultEventStreamOptions,
  type EventStreamOptions,
  nextRangeHeader,
  type WaitUntil,
  type Wake,
} from './api/index.js';
import { refuseCrossSite } from './auth/cross-site.js';
import { auth } from './auth/index.js';
import type { Config } from './config.js';
import { dashboard } from './dashboard/index.js';

export interface AppOptions {
  queue: Queue;
  config: Config;
  /** Wakes workers for jobs created over HTTP (QStash publish, in-process kick...). */
  wake?: Wake;
  /** The worker endpoint, mounted at POST /work outside the API's auth (it checks its own). */
  work?: (req: Request, ctx: WaitUntil) => Promise<Response>;
  /** The client's address (Node: the socket's; Workers: CF-Connecting-IP). */
  remoteAddress?: (c: Context) => string | undefined;
  /** The dashboard, mounted at / (its routes: / and /_dashboard/*); default: edgekue's, false: none. */
  dashboard?: Hono | false;
  log?: ErrorLog;
  /** Tuning of GET /events (tests shorten it). */
  events?: Partial<EventStreamOptions>;
}

const consoleLog: ErrorLog = {
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error),
};

/**
 * The whole HTTP surface of edgekue as one Hono app, for both entry points (Worker and Node) and
 * mountable under a sub-path: Kue's JSON API, the OpenAPI document and docs, the event stream,
 * the dashboard, and POST /work. Order matters: /work is answered before auth runs.
 */
export function createApp(opts: AppOptions): Hono {
  const { config } = opts;
  const log = opts.log ?? consoleLog;
  // Kue's Express app answered /stats/ as /stats (non-strict routing): clients written for it may
  // send the slash.
  const app = new Hono({ strict: false });
  app.onError(onError(log));
  app.notFound(notFound);

  if (opts.work) {
    const work = opts.work;
    app.post('/work', (c) => work(c.req.raw, waitUntilOf(c, log)));
  }
  if (config.EDGEKUE_CORS_ORIGINS.length > 0) {
    app.use(
      '*',
      cors({
        origin: config.EDGEKUE_CORS_ORIGINS,
        allowMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
        allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
        exposeHeaders: [nextRangeHeader],
        credentials: true,
        maxAge: 600,
      }),
    );
  }
  app.use('*', refuseCrossSite({ allowedOrigins: config.EDGEKUE_CORS_ORIGINS }));
  app.use(
    '*',
    auth({
      token: config.EDGEKUE_AUTH_TOKEN,
      user: config.EDGEKUE_AUTH_USER,
      password: config.EDGEKUE_AUTH_PASSWORD,
      remoteAddress: opts.remoteAddress,
      realm: config.EDGEKUE_TITLE,
      warn: log.warn,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: config.EDGEKUE_BODY_LIMIT,
      onError: async (c) => {
        await drainBody(c.req.raw, BODY_DRAIN_BYTES);
        return c.json(
          { error: `request body is over the limit of ${config.EDGEKUE_BODY_LIMIT} bytes` },
          413,
        );
      },
    }),
  );
  app.route(
    '/',
    api(
      {
        queue: opts.queue,
        wake: opts.wake,
        log,
        events: { ...defaultEventStreamOptions, ...opts.events },
        pageBytes: config.EDGEKUE_PAGE_BYTES,
      },
      config.EDGEKUE_TITLE,
    ),
  );
  const ui = opts.dashboard ?? dashboard({ title: config.EDGEKUE_TITLE });
  if (ui) app.route('/', ui);
  return app;
}
