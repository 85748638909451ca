--[=[ read-range (read only): a page of jobs by rank in an order by id (stable pages for infinite
  scroll), with each job's fields, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { state?, type?, from, to, order: 'asc'|'desc' }
           no state: all jobs; type without state: not supported (the caller picks a state)
           from, to: ranks as ZRANGE takes them (negative counts from the end)
  Reads:   jobs:<state>, jobs:<type>:<state>, job:<id>
  Returns: JSON [[field, value, ...]]
]=]
-- @include lib/keys.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local from, to = tonumber(input.from), tonumber(input.to)
local desc = input.order == 'desc'

-- A page of one index, as ZRANGE/ZREVRANGE give it.
local function one_index(key)
  if desc then return redis.call('ZREVRANGE', key, from, to) end
  return redis.call('ZRANGE', key, from, to)
end

-- A page of all jobs. Every job sits in exactly one state index, all scored by id, so the union
-- of the five is every job in id order: no index of its own to keep (a sorted-set entry per job
-- saved). The job at the page's first rank is found by bisecting ids with ZCOUNT, then each index
-- gives its next ids from there and the merge keeps the page: O(log² n) whatever the rank.
local function all_jobs()
  local keys = {}
  for _, s in ipairs({ 'inactive', 'delayed', 'active', 'complete', 'failed' }) do
    keys[#keys + 1] = K.state(P, s)
  end
  local total, lo, hi = 0, nil, nil
  for _, key in ipairs(keys) do
    local n = redis.call('ZCARD', key)
    if n > 0 then
      total = total + n
      local first = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
      local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
      if lo == nil or first < lo then lo = first end
      if hi == nil or last > hi then hi = last end
    end
  end
  local a, b = from, to
  if a < 0 then a = total + a end
  if b < 0 then b = total + b end
  if a < 0 then a = 0 end
  if b > total - 1 then b = total - 1 end
  if total == 0 or a > b then return {} end
  -- ranks counted from the lowest id
  local first_rank, last_rank = a, b
  if desc then first_rank, last_rank = total - 1 - b, total - 1 - a end
  local function below_or_at(x)
    local n = 0
    for _, key in ipairs(keys) do n = n + redis.call('ZCOUNT', key, '-inf', x) end
    return n
  end
  -- smallest id x with more than first_rank jobs at or below it: the job at first_rank
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if below_or_at(mid) > first_rank then hi = mid else lo = mid + 1 end
  end
  local want = last_rank - first_rank + 1
  local ids = {}
  for _, key in ipairs(keys) do
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, lo, '+inf', 'LIMIT', 0, want)) do
      ids[#ids + 1] = tonumber(id)
    end
  end
  table.sort(ids)
  local page = {}
  for i = 1, math.min(want, #ids) do page[i] = ids[i] end
  if desc then
    local reversed = {}
    for i = #page, 1, -1 do reversed[#reversed + 1] = page[i] end
    page = reversed
  end
  return page
end

local ids
if input.state and input.type then
  ids = one_index(K.type_state(P, input.type, input.state))
elseif input.state then
  ids = one_index(K.state(P, input.state))
else
  ids = all_jobs()
end
local jobs = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', K.job(P, id))
  if #h > 0 then table.insert(jobs, h) end
end
return cjson.encode(jobs)
