// Installs the Debian packages the local stack needs, so `npm start` and `npm test` work on a
// fresh machine. Plain JavaScript with no dependencies: it runs before `npm install` has.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const onPath = (bin) =>
  spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

let aptUpdated = false;

/** Ensures each binary exists, installing its Debian package when we are root on Debian. */
export function ensureSystemPackages(wanted, log = (m) => console.error(m)) {
  const missing = wanted.filter(({ bin, path }) => !(path ? existsSync(path) : onPath(bin)));
  if (missing.length === 0) return;
  const names = missing.map((m) => m.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `missing ${missing.map((m) => m.bin).join(', ')}: install with \`sudo apt-get install ${names.join(' ')}\`` +
        ' (or point REDIS_URL at an existing Redis, or UPSTASH_REDIS_REST_URL/UPSTASH_REDIS_REST_TOKEN at an Upstash database)',
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('setup: apt-get update');
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    aptUpdated = true;
  }
  log(`setup: apt-get install ${names.join(' ')}`);
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  });
}

export const REDIS = { bin: 'redis-server', pkg: 'redis-server' };
export const CHROMIUM = { bin: 'chromium', path: '/usr/bin/chromium', pkg: 'chromium' };
