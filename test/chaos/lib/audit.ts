// The ground truth after (or during) a chaos run, read straight from redis-server with ioredis,
// never through the bridge or the queue code under test.
import type { Redis as IORedis } from 'ioredis';
import type { JobState } from '../../../core/index.js';
import { JOB_FIELDS as F } from '../../../core/job-fields.js';
import { queueKeys } from '../../../core/keys.js';

/**
 * Lua: every job id of a prefix, ascending, from the job hashes themselves (there is no index of
 * all jobs to trust: the audit checks the indexes against the hashes).
 */
const jobIdsLua = String.raw`
local function glob_escape(s)
  return (string.gsub(s, '[%*%?%[%]\\]', '\\%0'))
end
-- whether an id set (jobs:<state>, jobs:<type>:<state>) holds an id: its bit in its bucket's
-- bitmap (core/scripts/lib/idset.lua)
local function in_idset(set, id)
  local n = tonumber(id)
  return redis.call('GETBIT', set .. ':' .. math.floor(n / 128), n % 128) == 1
end
local function job_ids(B)
  local pattern = glob_escape(B) .. 'job:*'
  local ids = {}
  for _, k in ipairs(redis.call('KEYS', pattern)) do
    local id = string.sub(k, #B + 5)
    if not string.find(id, ':', 1, true) then ids[#ids + 1] = id end
  end
  table.sort(ids, function(a, b) return tonumber(a) < tonumber(b) end)
  return ids
end
`;

/**
 * Walks every job of a prefix in one script (an atomic snapshot) and checks that each is whole and
 * indexed exactly as its state says: its hash has the fields every job has, it sits in its state's
 * sets and no other (cardinalities add up), in its type's claim queue iff inactive, in `delayed`
 * iff delayed, under a lease iff active; the types hash counts and the unique index agree.
 */
const auditScript = `${jobIdsLua}
local B = ARGV[1]
local states = { 'inactive', 'delayed', 'active', 'complete', 'failed' }
local counts = { inactive = 0, delayed = 0, active = 0, complete = 0, failed = 0 }
local problems, nprob = {}, 0
local function bad(msg)
  nprob = nprob + 1
  if #problems < 25 then problems[#problems + 1] = msg end
end
local types = {}
local unleased = 0
-- What an id set really holds, after checking its counts against its buckets.
local function set_size(set)
  local total = 0
  local groups = {}
  for _, k in ipairs(redis.call('KEYS', glob_escape(set) .. ':*')) do
    local b = string.sub(k, #set + 2)
    if string.match(b, '^%d+$') then
      local n = redis.call('BITCOUNT', k)
      total = total + n
      local c = tonumber(redis.call('HGET', set, b)) or 0
      if c ~= n then bad(set .. ' counts ' .. c .. ' in bucket ' .. b .. ', which holds ' .. n) end
      -- buckets are counted per group of 128 too (g<group>)
      local g = 'g' .. math.floor(tonumber(b) / 128)
      groups[g] = (groups[g] or 0) + n
    end
  end
  local h = redis.call('HGETALL', set)
  for i = 1, #h, 2 do
    if string.match(h[i], '^g%d+$') and not groups[h[i]] then
      bad(set .. ' counts ' .. h[i + 1] .. ' ids in group ' .. h[i] .. ', which has no bucket')
    end
  end
  for g, n in pairs(groups) do
    local c = tonumber(redis.call('HGET', set, g)) or 0
    if c ~= n then bad(set .. ' counts ' .. c .. ' ids in group ' .. g .. ', its buckets hold ' .. n) end
  end
  local fields = redis.call('HLEN', set)
  local counted = tonumber(redis.call('HGET', set, 'n')) or 0
  if counted ~= total then bad(set .. ' counts ' .. counted .. ' ids, its buckets hold ' .. total) end
  if fields > 0 and redis.call('HEXISTS', set, 'n') == 0 then bad(set .. ' has counts but no total') end
  return total
end
local ids = job_ids(B)
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', B .. 'job:' .. id, 'id', '${F.type}', '${F.state}', '${F.priority}',
    '${F.created_at}', '${F.data}', '${F.max_attempts}', '${F.lease}', '${F.unique}')
  if not f[2] then
    bad('job ' .. id .. ' is listed but has no hash')
  elseif counts[f[3]] == nil then
    bad('job ' .. id .. ' has state ' .. tostring(f[3]))
  else
    local t, st = f[2], f[3]
    counts[st] = counts[st] + 1
    local per = types[t] or { inactive = 0, delayed = 0, active = 0, complete = 0, failed = 0, n = 0 }
    per[st] = per[st] + 1
    per.n = per.n + 1
    types[t] = per
    -- the id is the key's (lib/fields.lua): a hash carrying one was written by something else
    if f[1] then bad('job ' .. id .. ' has an id field ' .. tostring(f[1])) end
    -- priority and max_attempts are left out at their defaults (0, 1)
    if not f[5] or not f[6] then bad('job ' .. id .. ' lacks a field') end
    if not in_idset(B .. 'jobs:' .. st, id) then bad('job ' .. id .. ' not in jobs:' .. st) end
    if not in_idset(B .. 'jobs:' .. t .. ':' .. st, id) then
      bad('job ' .. id .. ' not in its type-state set')
    end
    local inQueue = redis.call('ZSCORE', B .. 'queue:' .. t, string.format('%015d', tonumber(id)))
    if (inQueue ~= false) ~= (st == 'inactive') then bad('job ' .. id .. ' (' .. st .. ') claim queue mismatch') end
    local inDelayed = redis.call('ZSCORE', B .. 'delayed', id)
    if (inDelayed ~= false) ~= (st == 'delayed') then bad('job ' .. id .. ' (' .. st .. ') delayed mismatch') end
    -- a job set active by hand (move.lua) runs under no lease: counted, not a fault
    local inLeases = redis.call('ZSCORE', B .. 'leases', id) ~= false
    if inLeases and st ~= 'active' then bad('job ' .. id .. ' (' .. st .. ') is under a lease') end
    if f[8] and st ~= 'active' then bad('job ' .. id .. ' (' .. st .. ') keeps a lease token') end
    if st == 'active' and not inLeases then unleased = unleased + 1 end
    if f[9] and redis.call('HGET', B .. 'unique', f[9]) ~= id then bad('job ' .. id .. ' unique key not indexed') end
  end
end
for _, st in ipairs(states) do
  local n = set_size(B .. 'jobs:' .. st)
  if n ~= counts[st] then bad('jobs:' .. st .. ' holds ' .. n .. ', jobs in that state: ' .. counts[st]) end
end
local queued, tcount = 0, 0
for t, per in pairs(types) do
  tcount = tcount + 1
  for _, st in ipairs(states) do
    local n = set_size(B .. 'jobs:' .. t .. ':' .. st)
    if n ~= per[st] then bad('jobs:' .. t .. ':' .. st .. ' holds ' .. n .. ', expected ' .. per[st]) end
  end
  queued = queued + redis.call('ZCARD', B .. 'queue:' .. t)
  local h = tonumber(redis.call('HGET', B .. 'types', t)) or 0
  if h ~= per.n then bad('types[' .. t .. '] = ' .. h .. ', jobs of the type: ' .. per.n) end
end
if queued ~= counts.inactive then bad('claim queues hold ' .. queued .. ', inactive jobs: ' .. counts.inactive) end
if redis.call('HLEN', B .. 'types') ~= tcount then bad('the types hash lists a type without jobs') end
if redis.call('ZCARD', B .. 'delayed') ~= counts.delayed then bad('delayed index size differs') end
if redis.call('ZCARD', B .. 'leases') ~= counts.active - unleased then bad('lease index size differs') end
local u = redis.call('HGETALL', B .. 'unique')
for i = 1, #u, 2 do
  if redis.call('HGET', B .. 'job:' .. u[i + 1], '${F.unique}') ~= u[i] then
    bad('unique key ' .. u[i] .. ' points at job ' .. u[i + 1] .. ' which does not carry it')
  end
end
return cjson.encode({ total = #ids, states = counts, problems = problems, problem_count = nprob,
  unique = #u / 2, unleased_active = unleased })
`;

export interface Audit {
  total: number;
  states: Record<JobState, number>;
  /** The first problems found (at most 25) and how many in all. */
  problems: string[];
  problemCount: number;
  /** Entries of the unique index. */
  unique: number;
  /** Active jobs under no lease (set active by hand): no worker will ever recover them. */
  unleasedActive: number;
}

export async function auditQueue(admin: IORedis, prefix: string): Promise<Audit> {
  const raw = (await admin.eval(auditScript, 0, queueKeys(prefix).base)) as string;
  const r = JSON.parse(raw) as {
    total: number;
    states: Record<JobState, number>;
    problems: string[] | Record<string, never>;
    problem_count: number;
    unique: number;
    unleased_active: number;
  };
  return {
    total: r.total,
    states: r.states,
    problems: Array.isArray(r.problems) ? r.problems : [],
    problemCount: r.problem_count,
    unique: r.unique,
    unleasedActive: r.unleased_active,
  };
}

/**
 * Cheap and atomic, for checks while a run goes on: the state sets' sizes must add up to the number
 * of jobs (as the types hash counts them, kept apart from the state sets), the claim queues to the
 * inactive set, the lease index to the active set. The audit checks them against the job hashes.
 */
const countsScript = `
local B = ARGV[1]
local r = { total = 0 }
for _, n in ipairs(redis.call('HVALS', B .. 'types')) do r.total = r.total + tonumber(n) end
local sum = 0
for _, st in ipairs({ 'inactive', 'delayed', 'active', 'complete', 'failed' }) do
  r[st] = tonumber(redis.call('HGET', B .. 'jobs:' .. st, 'n')) or 0
  sum = sum + r[st]
end
r.sum = sum
local queued = 0
local typed = 0
local t = redis.call('HGETALL', B .. 'types')
for i = 1, #t, 2 do
  queued = queued + redis.call('ZCARD', B .. 'queue:' .. t[i])
  typed = typed + tonumber(t[i + 1])
end
r.queued = queued
r.typed = typed
r.leases = redis.call('ZCARD', B .. 'leases')
r.delayed_index = redis.call('ZCARD', B .. 'delayed')
return cjson.encode(r)
`;

export interface CountsCheck {
  total: number;
  sum: number;
  inactive: number;
  active: number;
  complete: number;
  queued: number;
  typed: number;
  leases: number;
  /** What does not add up, empty when consistent. */
  problems: string[];
}

export async function checkCounts(admin: IORedis, prefix: string): Promise<CountsCheck> {
  const raw = (await admin.eval(countsScript, 0, queueKeys(prefix).base)) as string;
  const r = JSON.parse(raw) as Record<string, number>;
  const problems: string[] = [];
  if (r.sum !== r.total) problems.push(`states add up to ${r.sum}, jobs: ${r.total}`);
  if (r.queued !== r.inactive) problems.push(`claim queues ${r.queued} vs inactive ${r.inactive}`);
  if (r.leases !== r.active) problems.push(`leases ${r.leases} vs active ${r.active}`);
  if (r.delayed_index !== r.delayed) problems.push(`delayed index vs delayed set`);
  return {
    total: r.total!,
    sum: r.sum!,
    inactive: r.inactive!,
    active: r.active!,
    complete: r.complete!,
    queued: r.queued!,
    typed: r.typed!,
    leases: r.leases!,
    problems,
  };
}

export interface EventTally {
  /** Per job id, how many times each event was recorded. */
  byJob: Map<string, Map<string, number>>;
  /** Events read. */
  entries: number;
  /** The stream was never trimmed during the run, so the tally is complete. */
  complete: boolean;
}

/** Every event of the queue's stream, counted per job and event name. */
export async function tallyEvents(admin: IORedis, prefix: string): Promise<EventTally> {
  const key = queueKeys(prefix).events;
  const byJob = new Map<string, Map<string, number>>();
  const count = (id: string | undefined, event: string | undefined) => {
    if (!id || !event) return;
    const per = byJob.get(id) ?? new Map<string, number>();
    per.set(event, (per.get(event) ?? 0) + 1);
    byJob.set(id, per);
  };
  let entries = 0;
  let oldest: string | undefined;
  let start = '-';
  for (let page = 0; page < 100_000; page++) {
    const rows = (await admin.xrange(key, start, '+', 'COUNT', 500)) as [string, string[]][];
    if (rows.length === 0) break;
    oldest ??= rows[0]![0];
    for (const [, fields] of rows) {
      // a call's events: e <JSON [[id, type, event, args?], ...]> (core/scripts/lib/events.lua);
      // older scripts' one event: i <id> t <type> e <event> [a <args>]
      if (fields[0] === 'e' && fields.length === 2) {
        for (const [id, , event] of JSON.parse(fields[1]!) as string[][]) {
          entries++;
          count(id, event);
        }
        continue;
      }
      entries++;
      const f = new Map<string, string>();
      for (let k = 0; k + 1 < fields.length; k += 2) f.set(fields[k]!, fields[k + 1]!);
      count(f.get('i'), f.get('e'));
    }
    start = `(${rows[rows.length - 1]![0]}`;
  }
  // untrimmed: the oldest entry kept holds event 1 (its id is <first event>-<events>)
  const complete = oldest === undefined || oldest.startsWith('1-');
  return { byJob, entries, complete };
}

/** How many times ack.lua recorded a completion, over every minute of the run. */
export async function throughputCompleted(admin: IORedis, prefix: string): Promise<number> {
  const pattern = `${queueKeys(prefix).base}throughput:*`;
  let cursor = '0';
  let total = 0;
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = await admin.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (const k of keys) total += Number((await admin.hget(k, 'complete')) ?? 0);
    cursor = next;
    if (cursor === '0') break;
  }
  return total;
}

/** Fields of many jobs, read in pipelined batches. */
export async function readJobs(
  admin: IORedis,
  prefix: string,
  ids: string[],
  fields: string[],
): Promise<Map<string, (string | null)[]>> {
  const keys = queueKeys(prefix);
  const out = new Map<string, (string | null)[]>();
  for (let i = 0; i < ids.length; i += 2_000) {
    const chunk = ids.slice(i, i + 2_000);
    const p = admin.pipeline();
    for (const id of chunk) p.hmget(keys.job(id), ...fields);
    const rows = (await p.exec()) ?? [];
    chunk.forEach((id, j) => {
      out.set(id, (rows[j]?.[1] as (string | null)[]) ?? []);
    });
  }
  return out;
}

/** The log lines of many jobs, read in pipelined batches. */
export async function readLogs(
  admin: IORedis,
  prefix: string,
  ids: string[],
): Promise<Map<string, string[]>> {
  const keys = queueKeys(prefix);
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 2_000) {
    const chunk = ids.slice(i, i + 2_000);
    const p = admin.pipeline();
    for (const id of chunk) p.lrange(keys.log(id), 0, -1);
    const rows = (await p.exec()) ?? [];
    chunk.forEach((id, j) => {
      out.set(id, (rows[j]?.[1] as string[]) ?? []);
    });
  }
  return out;
}

/** Every job id of a prefix, ascending, from the job hashes. */
export async function allJobIds(admin: IORedis, prefix: string): Promise<string[]> {
  const script = `${jobIdsLua}\nreturn job_ids(ARGV[1])`;
  return (await admin.eval(script, 0, queueKeys(prefix).base)) as string[];
}
