import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RedisBinaryNotFoundError } from './errors.js';

/** Returns the absolute path of `redis-server` on PATH, or throws a message saying how to get it. */
export function findRedisServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  throw new RedisBinaryNotFoundError();
}
