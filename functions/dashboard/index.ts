import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { assets, assetVersion } from './assets.js';
import { renderPage } from './render.js';
import { parseView } from './view.js';

export const dashboardOptionsSchema = z.object({
  /** The page's title (Kue's app.set('title')). */
  title: z.string().trim().min(1).max(200),
});
export type DashboardOptions = z.input<typeof dashboardOptionsSchema>;

/** Only the app's own files and API: job data can never bring in a script, style or frame. */
const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * From the page's URL to the dashboard's root. Mounted at '/admin', the page is served at
 * '/admin' (no slash), where relative URLs would resolve against '/': they get 'admin/' in front.
 */
function basePrefix(path: string): string {
  if (path.endsWith('/')) return '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  return `${encodeURIComponent(decodeURIComponent(last))}/`;
}

/**
 * Kue's UI as a Hono app: the page at '/', its script, styles and icon under '/_dashboard/'. It
 * reads and changes jobs only through the JSON API beside it (relative URLs), so it runs wherever
 * that app runs, under any mount path, behind the API's auth.
 */
export function dashboard(opts: DashboardOptions): Hono {
  const { title } = dashboardOptionsSchema.parse(opts);
  const app = new Hono();

  app.get('/', (c) => {
    const view = parseView(c.req.query());
    const page = renderPage({ title, base: basePrefix(c.req.path), version: assetVersion, view });
    c.header('Content-Security-Policy', pagePolicy);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
    return c.html(html`<!doctype html>${page}`);
  });

  app.get('/_dashboard/:file', (c) => {
    const asset = Object.hasOwn(assets, c.req.param('file'))
      ? assets[c.req.param('file')]
      : undefined;
    if (!asset) return c.json({ error: 'not found' }, 404);
    const etag = `"${assetVersion}"`;
    const cacheControl =
      c.req.query('v') === assetVersion ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (c.req.header('If-None-Match') === etag) {
      return c.body(null, 304, { ETag: etag, 'Cache-Control': cacheControl });
    }
    return c.body(asset.body, 200, {
      'Content-Type': asset.type,
      'Cache-Control': cacheControl,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  return app;
}
