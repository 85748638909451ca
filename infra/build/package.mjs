// `npm run build` (and npm pack's prepack): the package's JavaScript and type declarations in
// dist/, compiled by tsc from the entry points package.json's `exports` and `bin` name
// (tsconfig.build.json). dist/ is rebuilt from scratch, so no file of a deleted source lingers.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// `--out <dir>`: the package's files staged in <dir> (package.json, what its `files` names, dist/)
// instead of dist/ in the checkout, for a pack of <dir> (test/infra/package.test.ts)
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : undefined;
if (outAt > 0 && !out) {
  process.stderr.write('build: --out needs a directory\n');
  process.exit(2);
}
const base = out ?? root;
const dist = join(base, 'dist');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
if (!existsSync(tsc)) {
  process.stderr.write('build: node_modules has no tsc; run npm ci first\n');
  process.exit(1);
}

const started = Date.now();
process.stderr.write('build: compiling with tsc -p tsconfig.build.json into dist/ ...\n');
rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(tsc, ['-p', join(root, 'tsconfig.build.json'), '--outDir', dist], {
    cwd: root,
    stdio: 'inherit',
  });
} catch {
  process.stderr.write('build: tsc failed (above)\n');
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (out) {
  for (const file of ['package.json', ...pkg.files.filter((f) => f !== 'dist')]) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(root, file), join(out, file), { recursive: true });
  }
}

// Every entry package.json names must exist, and the bin must run as a command.
const targets = [
  ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
  ...Object.values(pkg.bin),
];
const missing = targets.filter((t) => !existsSync(join(base, t)));
if (missing.length > 0) {
  process.stderr.write(
    `build: package.json names files tsc did not write: ${missing.join(', ')}\n`,
  );
  process.exit(1);
}
for (const bin of Object.values(pkg.bin)) {
  const path = join(base, bin);
  if (!readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node\n')) {
    process.stderr.write(`build: ${bin} has no #!/usr/bin/env node line\n`);
    process.exit(1);
  }
  chmodSync(path, 0o755);
}
process.stderr.write(
  `build: ${out ? `${out}/dist` : 'dist'}/ written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
