/**
 * Every Redis key edgekue uses, built in one place (lib/keys.lua is its Lua twin; a test checks
 * that both agree). All keys of a queue share the hash tag `{prefix}` so that a script's keys live
 * in one slot on Redis Cluster and on sharded services, as Kue did for clusters.
 */
export type JobState = 'inactive' | 'delayed' | 'active' | 'complete' | 'failed';

export interface Keys {
  /** The key prefix scripts build their dynamic keys from, e.g. `{q}:`. */
  readonly base: string;
  readonly ids: string;
  readonly delayed: string;
  readonly leases: string;
  readonly types: string;
  readonly unique: string;
  readonly events: string;
  readonly paused: string;
  readonly stats: string;
  job(id: string | number): string;
  log(id: string | number): string;
  /** An id set (lib/idset.lua): a hash of counts; its ids live in `bucket()` sorted sets. */
  state(state: JobState): string;
  typeState(type: string, state: JobState): string;
  queue(type: string): string;
  search(word: string): string;
  throughput(minute: number): string;
  /** What a create request answered, kept a few minutes so a retried request is not run twice. */
  request(token: string): string;
}

export function queueKeys(prefix: string): Keys {
  const base = `{${prefix}}:`;
  return {
    base,
    ids: `${base}ids`,
    delayed: `${base}delayed`,
    leases: `${base}leases`,
    types: `${base}types`,
    unique: `${base}unique`,
    events: `${base}events`,
    paused: `${base}paused`,
    stats: `${base}stats`,
    job: (id) => `${base}job:${id}`,
    log: (id) => `${base}job:${id}:log`,
    state: (state) => `${base}jobs:${state}`,
    typeState: (type, state) => `${base}jobs:${type}:${state}`,
    queue: (type) => `${base}queue:${type}`,
    search: (word) => `${base}search:${word}`,
    throughput: (minute) => `${base}throughput:${minute}`,
    request: (token) => `${base}request:${token}`,
  };
}

/**
 * The layout of a queue's keys and values, bumped by a change that leaves data written before it
 * unreadable (2: short job field names, 3: id sets as bitmaps, 4: id sets counted per group of
 * buckets too). The dev stack keeps Redis data between runs and sets data of another layout aside
 * (infra/dev/data-dir.ts).
 */
export const DATA_FORMAT = 4;

/** Ids per bucket of an id set: each bucket is a 16-byte bitmap (core/scripts/lib/idset.lua). */
export const ID_SET_BUCKET = 128;

/** Buckets per counted group of an id set (its counts hash's g<group> fields). */
export const ID_SET_GROUP = 128;

/** The bitmap holding `id` within an id set such as `keys.state('complete')`. */
export function idSetBucket(set: string, id: string | number): string {
  return `${set}:${Math.floor(Number(id) / ID_SET_BUCKET)}`;
}
