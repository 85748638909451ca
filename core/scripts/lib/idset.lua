-- Id sets: the id-ordered indexes jobs:<state> and jobs:<type>:<state>, kept in buckets of 128
-- ids. Redis keeps a sorted set of at most 128 members listpack-encoded, about 13 bytes an id,
-- where one big set is a skiplist at about 113: a finished job sits in two of these sets, so
-- bucketing saves some 200 bytes a kept job. A set S is stored as
--   S:<bucket>  sorted set, member = score = id, bucket = floor(id / 128)
--   S           hash: <bucket> → ids in that bucket, n → ids in all (no key when empty)
-- Writes go through lib/index-writes.lua, which keeps the counts.
local IDSET_BUCKET = 128

local function idset_bucket(id)
  return math.floor(tonumber(id) / IDSET_BUCKET)
end

local function idset_card(set)
  return tonumber(redis.call('HGET', set, 'n')) or 0
end

-- Keeps the counts after `delta` ids were added to (or, negative, removed from) one bucket.
local function idset_count(set, bucket, delta)
  if delta == 0 then return end
  if redis.call('HINCRBY', set, bucket, delta) <= 0 then redis.call('HDEL', set, bucket) end
  if redis.call('HINCRBY', set, 'n', delta) <= 0 then redis.call('DEL', set) end
end

-- ZRANGE-style ranks (negative counts from the end) as ascending ranks first..last, or nil.
local function idset_window(from, to, total, desc)
  local a, b = from, to
  if a < 0 then a = total + a end
  if b < 0 then b = total + b end
  if a < 0 then a = 0 end
  if b > total - 1 then b = total - 1 end
  if total == 0 or a > b then return nil end
  if desc then return total - 1 - b, total - 1 - a end
  return a, b
end

-- The ids at ranks from..to (ZRANGE's arguments; ZREVRANGE's when desc) of the union of id sets
-- that share no id, like the five state sets: a job is in one state at a time. The counts skip
-- whole buckets, so a page costs one HGETALL per set and the buckets it spans, at any depth.
local function idset_range(sets, from, to, desc)
  local counts, total = {}, 0
  for _, set in ipairs(sets) do
    local raw = redis.call('HGETALL', set)
    for i = 1, #raw, 2 do
      if raw[i] ~= 'n' then
        local b, c = tonumber(raw[i]), tonumber(raw[i + 1]) or 0
        counts[b] = (counts[b] or 0) + c
        total = total + c
      end
    end
  end
  local first, last = idset_window(from, to, total, desc)
  if not first then return {} end
  local buckets = {}
  for b in pairs(counts) do buckets[#buckets + 1] = b end
  table.sort(buckets)
  local ids, seen = {}, 0
  for _, b in ipairs(buckets) do
    local c = counts[b]
    if seen + c > first then
      local members = {}
      for _, set in ipairs(sets) do
        for _, id in ipairs(redis.call('ZRANGE', K.bucket(set, b), 0, -1)) do
          members[#members + 1] = id
        end
      end
      if #sets > 1 then
        table.sort(members, function(x, y) return tonumber(x) < tonumber(y) end)
      end
      for i = math.max(1, first - seen + 1), #members do
        if seen + i - 1 > last then break end
        ids[#ids + 1] = members[i]
      end
    end
    seen = seen + c
    if seen > last then break end
  end
  if desc then
    local reversed = {}
    for i = #ids, 1, -1 do reversed[#reversed + 1] = ids[i] end
    ids = reversed
  end
  return ids
end
