import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';

/**
 * GET /openapi.json (generated from the routes' zod schemas) and GET /docs, a page rendered on
 * the server from that document: no script, no CDN (deployments may have no internet).
 */
type Document = ReturnType<OpenAPIHono['getOpenAPIDocument']>;

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; schema?: unknown; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** Answers every route may give: said once at the top of the page, not under each route. */
const everyRoute = ['401', '403', '502', '503'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function schemaText(schema: unknown): string {
  if (schema && typeof schema === 'object' && '$ref' in schema) {
    const name =
      String((schema as { $ref: string }).$ref)
        .split('/')
        .pop() ?? '';
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  return `<code>${escapeHtml(JSON.stringify(schema))}</code>`;
}

function operationHtml(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}) ${schemaText(p.schema)}</li>`,
    )
    .join('');
  const body = Object.entries(op.requestBody?.content ?? {})
    .map(([type, m]) => `<li>body ${escapeHtml(type)}: ${schemaText(m.schema)}</li>`)
    .join('');
  const responses = Object.entries(op.responses ?? {})
    .filter(([status]) => !everyRoute.includes(status))
    .map(([status, r]) => {
      const content = Object.entries(r.content ?? {})
        .map(([type, m]) => ` ${escapeHtml(type)}: ${schemaText(m.schema)}`)
        .join(';');
      return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(r.description ?? '')}${content}</li>`;
    })
    .join('');
  return `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p class="d">${escapeHtml(op.description)}</p>` : ''}
<ul>${params}${body}</ul><ul class="r">${responses}</ul></section>`;
}

export function docsHtml(doc: Document, title: string): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(path, method, op)]);
    }
  }
  const groups = [...byTag]
    .map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, s]) =>
        `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} API</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.op{border-top:1px solid #ddd;padding:.3rem 0}.op h3{margin:.4rem 0;font-size:1rem}
.m{display:inline-block;min-width:4.5rem;font-size:.8rem;color:#fff;border-radius:3px;text-align:center;background:#555}
.get{background:#2a7ab0}.post{background:#3a9a4a}.put{background:#b07a2a}.delete{background:#b03a3a}
.d{color:#555}.r{color:#444}pre{background:#f5f5f5;padding:.6rem;overflow:auto;font-size:.8rem}
</style></head><body><h1>${escapeHtml(title)} API</h1>
<p>${escapeHtml(doc.info?.description ?? '')} Machine-readable: <a href="openapi.json">openapi.json</a>.</p>
<p>Every route may also answer <b>401</b> (credentials missing or wrong), <b>403</b> (no auth configured and the client is not on this machine), <b>502</b> (Redis refused the credentials: check UPSTASH_REDIS_REST_TOKEN) and <b>503</b> (Redis unreachable: retry).</p>
${groups}<h2>Schemas</h2>${schemas}</body></html>`;
}

export function docRoutes(app: OpenAPIHono, title: string): void {
  let cached: Document | undefined;
  const documentFor = (c: Context, suffix: string): Document => {
    cached ??= app.getOpenAPIDocument({
      openapi: '3.0.3',
      info: {
        title: `${title} API`,
        version: '1',
        description:
          "Kue's JSON API on HTTP Redis, and edgekue's additions. Errors answer {error: message}.",
      },
      security: [{ bearer: [] }, { basic: [] }],
    });
    // mounted under a sub-path (e.g. /kue), the document's paths are relative to it
    const base = c.req.path.slice(0, -suffix.length) || '/';
    return { ...cached, servers: [{ url: base }] };
  };
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'basic', {
    type: 'http',
    scheme: 'basic',
  });
  app.get('/openapi.json', (c) => c.json(documentFor(c, '/openapi.json')));
  app.get('/docs', (c) => c.html(docsHtml(documentFor(c, '/docs'), title)));
}
