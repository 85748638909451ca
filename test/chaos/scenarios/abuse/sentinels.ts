// Sentinel jobs: a set of jobs in every state, with logs, progress, unique keys and search words,
// that no abuse may touch. Their fingerprint (hashes, logs, and membership in every index) is
// taken before and after; any difference means a request reached jobs it had no business with.
import type { Redis as IORedis } from 'ioredis';
import type { Queue } from '../../../../core/index.js';
import { JOB_FIELDS } from '../../../../core/job-fields.js';
import { queueKeys } from '../../../../core/keys.js';
import { claimJobs, settleJob } from '../../../../worker-handlers/index.js';
import { keyspaceFingerprintScript } from '../../../support/keyspace.js';

export const SENTINEL_TYPE = 'sentinel';

/** Creates the sentinels; answers their ids. */
export async function createSentinels(queue: Queue): Promise<string[]> {
  const ids: string[] = [];
  const make = async (priority: number, extra: (j: ReturnType<Queue['create']>) => void) => {
    const job = queue.create(SENTINEL_TYPE, {
      title: `sentinel ${ids.length} keepsake`,
      nested: { list: [1, 2, 3], text: 'ünïcödé ✓' },
    });
    job.priority(priority).attempts(3);
    extra(job);
    await job.save();
    ids.push(job.id!);
    return job;
  };
  // waiting, at several priorities, one with a unique key
  await make(-10, () => {});
  await make(0, (j) => j.unique('sentinel-unique'));
  await make(10, () => {});
  // delayed for an hour
  await make(0, (j) => j.delay(3_600_000));
  // claimed and settled: one complete, one failed for good, one failed with a retry left
  // (the retried one goes back to the queue with the best priority: it must come last)
  for (const outcome of ['complete', 'failed', 'active', 'retry'] as const) {
    const job = await make(-15, (j) => j.attempts(outcome === 'retry' ? 3 : 1));
    const [leased] = await claimJobs(queue, {
      types: [SENTINEL_TYPE],
      count: 1,
      leaseMs: 3_600_000,
    });
    if (leased?.job.id !== job.id) throw new Error('sentinel claim took another job');
    await job.log('sentinel log line %d', 1);
    await job.progress(1, 2, { step: 'half' });
    if (outcome === 'complete') await settleJob(queue, leased!, { ok: true, result: { kept: 1 } });
    if (outcome === 'failed' || outcome === 'retry') {
      await settleJob(queue, leased!, { ok: false, error: 'sentinel failure' });
    }
  }
  return ids;
}

/**
 * Everything about the sentinels in one atomic read: each hash (sorted), log, and whether it sits
 * in each index, plus the sentinel type's count and pause entry.
 */
const fingerprintScript = `
local B = ARGV[1]
local T = ARGV[2]
local out = {}
local states = { 'inactive', 'delayed', 'active', 'complete', 'failed' }
for i = 3, #ARGV do
  local id = ARGV[i]
  local h = redis.call('HGETALL', B .. 'job:' .. id)
  local pairs_ = {}
  for k = 1, #h, 2 do pairs_[#pairs_ + 1] = h[k] .. '=' .. h[k + 1] end
  table.sort(pairs_)
  out[#out + 1] = id .. ' hash ' .. table.concat(pairs_, '|')
  out[#out + 1] = id .. ' log ' .. table.concat(redis.call('LRANGE', B .. 'job:' .. id .. ':log', 0, -1), '|')
  local idx = {}
  for _, st in ipairs(states) do
    -- the id's bit in its bucket's bitmap of each state set (core/scripts/lib/idset.lua)
    local bucket, bit = ':' .. math.floor(tonumber(id) / 128), tonumber(id) % 128
    idx[#idx + 1] = tostring(redis.call('GETBIT', B .. 'jobs:' .. st .. bucket, bit))
    idx[#idx + 1] = tostring(redis.call('GETBIT', B .. 'jobs:' .. T .. ':' .. st .. bucket, bit))
  end
  idx[#idx + 1] = tostring(redis.call('ZSCORE', B .. 'queue:' .. T, string.format('%015d', tonumber(id))))
  idx[#idx + 1] = tostring(redis.call('ZSCORE', B .. 'delayed', id))
  idx[#idx + 1] = tostring(redis.call('ZSCORE', B .. 'leases', id))
  out[#out + 1] = id .. ' indexes ' .. table.concat(idx, ',')
  local words = redis.call('HGET', B .. 'job:' .. id, '${JOB_FIELDS.search}')
  if words then
    for w in string.gmatch(words, '%S+') do
      out[#out + 1] = id .. ' word ' .. w .. ' ' .. redis.call('SISMEMBER', B .. 'search:' .. w, id)
    end
  end
end
out[#out + 1] = 'types ' .. tostring(redis.call('HGET', B .. 'types', T))
out[#out + 1] = 'paused ' .. tostring(redis.call('HGET', B .. 'paused', T))
out[#out + 1] = 'unique ' .. tostring(redis.call('HGET', B .. 'unique', 'sentinel-unique'))
return out`;

export async function sentinelFingerprint(
  admin: IORedis,
  prefix: string,
  ids: string[],
): Promise<string[]> {
  return (await admin.eval(
    fingerprintScript,
    0,
    queueKeys(prefix).base,
    SENTINEL_TYPE,
    ...ids,
  )) as string[];
}

export async function keyspaceFingerprint(admin: IORedis, prefix: string): Promise<string[]> {
  const pattern = `${queueKeys(prefix).base.replace(/[[\]*?\\]/g, '\\$&')}*`;
  return (await admin.eval(keyspaceFingerprintScript, 0, pattern)) as string[];
}

/** Lines in one fingerprint and not the other. */
export function fingerprintDiff(before: string[], after: string[]): string[] {
  const a = new Set(before);
  const b = new Set(after);
  // before and after of one line side by side
  return [
    ...before.filter((l) => !b.has(l)).map((l) => `- ${l}`),
    ...after.filter((l) => !a.has(l)).map((l) => `+ ${l}`),
  ].sort((x, y) => x.slice(2).localeCompare(y.slice(2)) || y.localeCompare(x));
}
