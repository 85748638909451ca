import type { Context, MiddlewareHandler } from 'hono';

/**
 * Refuses requests that change state when a browser sends them on behalf of another site (CSRF).
 * A page elsewhere can make the user's browser POST without a preflight (no body, or a text/plain
 * one) or load a GET as an image, and the browser attaches its cached basic-auth credentials; a
 * queue served to loopback without auth is reachable from any page the developer opens. So a
 * request that changes state is refused when the browser says it comes from another site
 * (Sec-Fetch-Site), or, from a browser too old to say, when its Origin is another one. Clients
 * that are not browsers send neither header and pass; so do origins EDGEKUE_CORS_ORIGINS lists.
 * A bearer token cannot be sent cross-site without CORS, but the check costs nothing there.
 */
export interface CrossSiteOptions {
  /** Origins allowed to send requests that change state (EDGEKUE_CORS_ORIGINS). */
  allowedOrigins: readonly string[];
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Kue's GET /inactive/:id moves a job: a GET that changes state. */
const changesStateOnGet = (path: string) => /\/inactive\/[^/]+\/?$/.test(path);

function sameHost(origin: string, c: Context): boolean {
  try {
    // The host, not the whole origin: behind a TLS-terminating proxy the scheme differs.
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

export function refuseCrossSite(options: CrossSiteOptions): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins);
  return async (c, next) => {
    if (safeMethods.has(c.req.method) && !changesStateOnGet(c.req.path)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && allowed.has(origin)) return next();
    const site = c.req.header('sec-fetch-site');
    const foreign =
      site !== undefined
        ? site !== 'same-origin' && site !== 'none'
        : origin !== undefined && !sameHost(origin, c);
    if (!foreign) return next();
    return c.json(
      {
        error: `refused a request from another site (${origin ?? site}) that would change the queue; list its origin in EDGEKUE_CORS_ORIGINS to allow it`,
      },
      403,
    );
  };
}
