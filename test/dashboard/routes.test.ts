// The dashboard's own routes, without a browser: the page, its assets, and mounting under a path.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { assets } from '../../functions/dashboard/assets.js';
import { dashboard } from '../../functions/dashboard/index.js';

const page = async (app: Hono, path: string) => {
  const res = await app.request(path);
  return { res, html: await res.text() };
};

const assetUrls = (html: string) => [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);

describe('dashboard routes', () => {
  it('serves the page with its title escaped, a strict CSP and relative asset URLs', async () => {
    const { res, html } = await page(dashboard({ title: 'Jobs <script>alert(1)</script>' }), '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Jobs &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).not.toContain('<script>alert');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    const urls = assetUrls(html);
    expect(urls.length).toBe(3);
    for (const url of urls)
      expect(url).toMatch(/^_dashboard\/(app\.js|style\.css|icon\.svg)\?v=\w+$/);
  });

  it('keeps its assets ASCII, so no runtime rewrites them (Bun turned "▾" into a CSS escape it broke)', () => {
    for (const [name, asset] of Object.entries(assets)) {
      const outside = [...asset.body].filter((ch) => ch.charCodeAt(0) > 0x7e);
      expect(outside, name).toEqual([]);
    }
  });

  it('renders the view in the URL, and falls back to defaults for bad values', async () => {
    const app = dashboard({ title: 't' });
    const { html } = await page(app, '/?state=failed&type=email&order=asc&q=needle');
    expect(html).toMatch(/id="tab-failed"[^>]*aria-selected="true"/);
    expect(html).toMatch(/<option value="email" selected="">email<\/option>/);
    expect(html).toMatch(/<option value="asc" selected="">/);
    expect(html).toContain('value="needle"');
    const bad = await page(app, '/?state=nope&order=sideways');
    expect(bad.html).toMatch(/id="tab-active"[^>]*aria-selected="true"/);
    expect(bad.html).toMatch(/<option value="desc" selected="">/);
    // a type name the API refuses is no filter (as the client reads it); an over-long query none
    const odd = await page(app, `/?type=a%01b&q=${'x'.repeat(501)}`);
    expect(odd.html).not.toContain('<option value="a\u0001b"');
    expect(odd.html).toMatch(
      /<select id="type-filter" name="type"><option value="">All types<\/option><\/select>/,
    );
    expect(odd.html).toMatch(/id="search"[^>]*value=""/);
  });

  it('serves each asset with its type, caches versioned URLs for good and answers 304', async () => {
    const app = dashboard({ title: 't' });
    const { html } = await page(app, '/');
    const types: Record<string, RegExp> = {
      'app.js': /^text\/javascript/,
      'style.css': /^text\/css/,
      'icon.svg': /^image\/svg\+xml/,
    };
    for (const url of assetUrls(html)) {
      const res = await app.request(`/${url}`);
      expect(res.status).toBe(200);
      const name = url.slice('_dashboard/'.length, url.indexOf('?'));
      expect(res.headers.get('content-type')).toMatch(types[name]!);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect((await res.text()).length).toBeGreaterThan(100);
      const again = await app.request(`/${url}`, {
        headers: { 'if-none-match': res.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
    }
    expect((await app.request('/_dashboard/app.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await app.request('/_dashboard/secret.txt')).status).toBe(404);
    expect((await app.request('/_dashboard/toString')).status).toBe(404);
  });

  it('ships a client script that parses', async () => {
    const res = await dashboard({ title: 't' }).request('/_dashboard/app.js');
    expect(res.status).toBe(200);
    const source = await res.text();
    expect(() => new Function(source)).not.toThrow();
    // job data reaches the page as text only
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('works mounted under a path: asset URLs lead back to the mount point', async () => {
    const app = new Hono();
    app.route('/admin/queue', dashboard({ title: 't' }));
    const { res, html } = await page(app, '/admin/queue');
    expect(res.status).toBe(200);
    for (const url of assetUrls(html)) {
      expect(url.startsWith('queue/_dashboard/')).toBe(true);
      const resolved = new URL(url, 'http://host/admin/queue');
      expect((await app.request(resolved.pathname + resolved.search)).status).toBe(200);
    }
  });

  it('refuses a title it cannot show', () => {
    expect(() => dashboard({ title: '' })).toThrow();
    expect(() => dashboard({ title: 'x'.repeat(201) })).toThrow();
  });
});
