import { RedisFailure } from './errors.js';
import { wellFormedStrings } from './json-text.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { type ScriptName, scripts } from './scripts/index.generated.js';

/** Settings every script reads from ARGV[2]. */
export interface ScriptConfig {
  events_max: number;
  events_off?: boolean;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.toUpperCase().includes('NOSCRIPT');
}

/**
 * Runs one script: EVALSHA first, EVAL when Redis answers NOSCRIPT (after a restart or SCRIPT
 * FLUSH). Every script takes the same arguments (the queue's id key for slot routing, then key
 * prefix, config and input JSON) and answers JSON text, which the client may already have parsed.
 */
export class ScriptRunner {
  readonly #redis: RedisClient;
  readonly #keys: Keys;
  readonly #config: string;

  constructor(redis: RedisClient, keys: Keys, config: ScriptConfig) {
    this.#redis = redis;
    this.#keys = keys;
    this.#config = JSON.stringify(config);
  }

  async run<T>(name: ScriptName, input: unknown): Promise<T> {
    const script = scripts[name];
    const keys = [this.#keys.ids];
    // A lone surrogate (in a log line, an error text...) would make cjson fail the whole call.
    const args = [this.#keys.base, this.#config, JSON.stringify(input, wellFormedStrings)];
    let raw: unknown;
    try {
      raw = await this.#redis.evalsha(script.sha, keys, args).catch((error: unknown) => {
        if (isNoScript(error)) return this.#redis.eval(script.source, keys, args);
        throw error;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new RedisFailure(`${name}: ${message}`, error);
    }
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
  }
}

/** cjson encodes an empty Lua table as {}: read a list that may have come back that way. */
export function list<T>(value: T[] | Record<string, never> | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}
