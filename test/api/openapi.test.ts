import { afterAll, describe, expect, it } from 'vitest';
import { jobJsonSchema } from '../../core/index.js';
import { routeCases } from './cases.js';
import { dropQueue, testApp } from './support.js';

interface Doc {
  openapi: string;
  info: { title: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

const t = testApp({ EDGEKUE_TITLE: 'jobs of acme' });
afterAll(() => dropQueue(t.queue));

async function doc(): Promise<Doc> {
  const res = await t.app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/** `/jobs/{state}/{from}..{to}` → a regex matching concrete paths. */
function templateRegex(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+?')}$`);
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3 document with every route of the table', async () => {
    const d = await doc();
    expect(d.openapi).toMatch(/^3\./);
    expect(d.info.title).toBe('jobs of acme API');
    expect(d.servers).toEqual([{ url: '/' }]);
    const templates = Object.entries(d.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        regex: templateRegex(path),
      })),
    );
    const missing = routeCases({ type: 'email', ids: ['1', '2', '3'] })
      .map((c) => ({ method: c.method, path: c.path.split('?')[0]! }))
      .filter((c) => c.path !== '/openapi.json' && c.path !== '/docs')
      .filter((c) => !templates.some((tpl) => tpl.method === c.method && tpl.regex.test(c.path)));
    expect(missing).toEqual([]);
  });

  it('has no two paths of the same shape', async () => {
    const shapes = Object.keys((await doc()).paths).map((p) => p.replace(/\{[^}]+\}/g, '{}'));
    expect(new Set(shapes).size).toBe(shapes.length);
  });

  it("describes jobs with core's schema and errors as {error}", async () => {
    const d = await doc();
    const job = d.components.schemas.Job!;
    expect(Object.keys(job.properties ?? {}).sort()).toEqual(
      Object.keys(jobJsonSchema.shape).sort(),
    );
    expect(job.required).toEqual(expect.arrayContaining(['id', 'type', 'state', 'attempts']));
    expect(d.components.schemas.Error).toMatchObject({ required: ['error'] });
    for (const ops of Object.values(d.paths)) {
      for (const op of Object.values(ops)) expect(Object.keys(op.responses)).toContain('401');
    }
  });
});

describe('GET /docs', () => {
  it('renders the document as a self-contained page', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('<title>jobs of acme API</title>');
    for (const path of [
      '/stats',
      '/job/{id}',
      '/jobs/{type}/{state}/{from}..{to}/{order}',
      '/events',
    ]) {
      expect(page).toContain(`<code>${path}</code>`);
    }
    expect(page).toContain('id="schema-Job"');
    expect(page).not.toMatch(/<script|<link|https?:\/\//i);
  });
});
