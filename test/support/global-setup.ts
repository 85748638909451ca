// Vitest globalSetup: one redis-server and one Upstash-compatible bridge for the whole run,
// both on free ports. Tests reach them through `inject('bridgeUrl')` etc., or more simply
// through the helpers in ./stack.ts.
import type { TestProject } from 'vitest/node';
import { startBridge } from '../../infra/redis-http/index.js';
import { startRedisServer } from '../../infra/redis-server/index.js';

export const TEST_BRIDGE_TOKEN = 'test_token';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the shared test redis-server. */
    redisUrl: string;
    /** Base URL of the shared bridge, for `new Redis({ url, token })`. */
    bridgeUrl: string;
    bridgeToken: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedisServer();
  try {
    const bridge = await startBridge({
      redisUrl: redis.url,
      token: TEST_BRIDGE_TOKEN,
      // Tests flush scripts to exercise the NOSCRIPT fallback, among other things.
      allowDangerousCommands: true,
    });
    project.provide('redisUrl', redis.url);
    project.provide('bridgeUrl', bridge.url);
    project.provide('bridgeToken', TEST_BRIDGE_TOKEN);
    return async () => {
      await bridge.close();
      await redis.stop();
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}
