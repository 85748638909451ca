-- Id sets: the id-ordered indexes jobs:<state> and jobs:<type>:<state>, kept in buckets of 128
-- ids, each bucket a 16-byte bitmap. A set S is stored as
--   S:<bucket>  string: bit (id mod 128) is 1 while the id is in S, bucket = floor(id / 128)
--               (no key when the bucket is empty)
--   S           hash: <bucket> → ids in that bucket, n → ids in all (no key when empty)
-- A bitmap takes a bit an id where a listpack sorted set took some 13 bytes, and BITFIELD sets
-- or clears a batch's ids at O(1) each, where each ZADD into a listpack scanned its members (a
-- finished job sits in two of these sets, and every transition writes four).
-- Writes go through lib/index-writes.lua, which keeps the counts.
local IDSET_BUCKET = 128

local function idset_bucket(id)
  return math.floor(tonumber(id) / IDSET_BUCKET)
end

local function idset_card(set)
  return tonumber(redis.call('HGET', set, 'n')) or 0
end

-- Keeps the counts after `delta` ids were added to (or, negative, removed from) one bucket, and
-- drops the bucket's bitmap once it holds none (a bitmap of zeros is not deleted by Redis).
local function idset_count(set, bucket, delta)
  if delta == 0 then return end
  if redis.call('HINCRBY', set, bucket, delta) <= 0 then
    redis.call('HDEL', set, bucket)
    redis.call('DEL', K.bucket(set, bucket))
  end
  if redis.call('HINCRBY', set, 'n', delta) <= 0 then redis.call('DEL', set) end
end

-- The ids a bucket's bitmap holds, ascending, as strings (offset 0 is the first byte's high bit).
local function idset_bucket_ids(set, bucket, into)
  local bits = redis.call('GET', K.bucket(set, bucket))
  if not bits then return into end
  local base = bucket * IDSET_BUCKET
  for i = 1, #bits do
    local byte = string.byte(bits, i)
    local offset = base + (i - 1) * 8
    local weight = 128
    while byte > 0 do
      if byte >= weight then
        into[#into + 1] = tostring(offset)
        byte = byte - weight
      end
      weight = weight / 2
      offset = offset + 1
    end
  end
  return into
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
      for _, set in ipairs(sets) do idset_bucket_ids(set, b, members) end
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
