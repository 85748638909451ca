// Builds a Worker bundle the way a deploy does (`wrangler deploy --dry-run --outdir`), and boots
// it in workerd through Miniflare: the tests run the real Worker this way, the bench runs its
// edgekue client this way (bench/edgekue/workerd.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';

const root = join(import.meta.dirname, '..', '..');

export interface WorkerBuild {
  /** Another Wrangler configuration than the root wrangler.toml (its `main` is the entry). */
  readonly config?: string;
}

export async function buildWorker(build: WorkerBuild = {}): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'edgekue-worker-'));
  const config = build.config
    ? ['--config', build.config, '--compatibility-date', compatibilityDate()]
    : [];
  await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--outdir', outdir, ...config],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' } },
  );
  // Wrangler names the bundle after its entry (functions/worker.ts: worker.js).
  const bundle = readdirSync(outdir).find((f) => f.endsWith('.js'));
  if (!bundle) throw new Error(`wrangler left no bundle in ${outdir}`);
  return join(outdir, bundle);
}

/** wrangler.toml's compatibility date, so the test runs what a deploy runs. */
export function compatibilityDate(): string {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return date;
}

export async function bootWorker(
  script: string,
  bindings: Record<string, string>,
  port = 0,
): Promise<{ mf: Miniflare; url: URL }> {
  const mf = new Miniflare({
    // Listed, not discovered: @upstash/qstash holds dynamic imports Miniflare cannot follow
    // (they are never reached in a Worker).
    modules: [{ type: 'ESModule', path: script }],
    modulesRoot: dirname(script),
    compatibilityDate: compatibilityDate(),
    bindings,
    port,
    host: '127.0.0.1',
  });
  const url = await mf.ready;
  return { mf, url };
}
