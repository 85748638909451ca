-- Id sets: the id-ordered indexes jobs:<state> and jobs:<type>:<state>, kept in buckets of 128
-- ids, each bucket a 16-byte bitmap, and counted per bucket and per group of 128 buckets. A set S
-- is stored as
--   S:<bucket>  string: bit (id mod 128) is 1 while the id is in S, bucket = floor(id / 128)
--               (no key when the bucket is empty)
--   S           hash: <bucket> → ids in that bucket, g<group> → ids in that group's buckets
--               (group = floor(bucket / 128): 16,384 ids), n → ids in all (no key when empty)
-- A bitmap takes a bit an id where a listpack sorted set took some 13 bytes, and BITFIELD sets
-- or clears a batch's ids at O(1) each, where each ZADD into a listpack scanned its members (a
-- finished job sits in two of these sets, and every transition writes four).
-- The group counts keep a page by rank from reading every bucket's count: with 10 million ids
-- kept that was 78,000 fields and some 100 ms of Redis per page; now it reads one count per
-- group (610) and the 128 of the groups the page spans.
-- Writes go through lib/index-writes.lua, which keeps the counts.
local IDSET_BUCKET = 128
local IDSET_GROUP = 128

-- Writes to id sets may still be queued when a script reads one (lib/index-writes.lua keeps an
-- ack's writes for the claim that follows it): every read applies them first, through the
-- function index-writes puts here.
local IDSET_QUEUE = { apply = function() end }

local function idset_bucket(id)
  return math.floor(tonumber(id) / IDSET_BUCKET)
end

local function idset_card(set)
  IDSET_QUEUE.apply()
  return tonumber(redis.call('HGET', set, 'n')) or 0
end

-- A group's field in a set's counts hash.
local GROUP_FIELD = {}
local function idset_group_field(group)
  local f = GROUP_FIELD[group]
  if not f then
    f = 'g' .. int_text(group)
    GROUP_FIELD[group] = f
  end
  return f
end

-- Keeps the counts after `delta` ids were added to (or, negative, removed from) one bucket, and
-- drops the bucket's bitmap once it holds none (a bitmap of zeros is not deleted by Redis).
local function idset_count(set, bucket, delta)
  if delta == 0 then return end
  local field, by = int_text(bucket), int_text(delta)
  if redis.call('HINCRBY', set, field, by) <= 0 then
    redis.call('HDEL', set, field)
    redis.call('DEL', K.bucket(set, bucket))
  end
  local group = idset_group_field(math.floor(bucket / IDSET_GROUP))
  if redis.call('HINCRBY', set, group, by) <= 0 then redis.call('HDEL', set, group) end
  if redis.call('HINCRBY', set, 'n', by) <= 0 then redis.call('DEL', set) end
end

-- The ids a bucket's bitmap holds, ascending, as strings (offset 0 is the first byte's high bit).
local function idset_bucket_ids(set, bucket, into)
  IDSET_QUEUE.apply()
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

-- Counts of fields lo..hi (named prefix .. i) summed over the sets, by i: HMGET in chunks
-- (Lua's unpack has a stack limit).
local function idset_counts(sets, prefix, lo, hi)
  IDSET_QUEUE.apply()
  local sums = {}
  for from = lo, hi, 4000 do
    local to = math.min(hi, from + 3999)
    local names = {}
    for i = from, to do names[#names + 1] = prefix .. i end
    for _, set in ipairs(sets) do
      local got = redis.call('HMGET', set, unpack(names))
      for k = 1, #names do
        local c = tonumber(got[k])
        if c then sums[from + k - 1] = (sums[from + k - 1] or 0) + c end
      end
    end
  end
  return sums
end

-- The ids at ranks from..to (ZRANGE's arguments; ZREVRANGE's when desc) of the union of id sets
-- that share no id, like the five state sets: a job is in one state at a time. The queue's id
-- counter bounds the groups (no set holds a greater id). The group counts skip whole groups, the
-- bucket counts of the groups the page spans skip whole buckets, so a page costs a count per
-- group, 128 per group it spans and the bitmaps it spans, at any depth.
local function idset_range(P, sets, from, to, desc)
  local total = 0
  for _, set in ipairs(sets) do total = total + idset_card(set) end
  local first, last = idset_window(from, to, total, desc)
  if not first then return {} end
  local max_id = tonumber(redis.call('GET', K.ids(P))) or 0
  local groups = math.floor(idset_bucket(max_id) / IDSET_GROUP)
  local group_counts = idset_counts(sets, 'g', 0, groups)
  local ids, seen = {}, 0
  for g = 0, groups do
    local gc = group_counts[g] or 0
    if gc > 0 and seen + gc <= first then
      seen = seen + gc
    elseif gc > 0 then
      local lo = g * IDSET_GROUP
      local counts = idset_counts(sets, '', lo, lo + IDSET_GROUP - 1)
      for b = lo, lo + IDSET_GROUP - 1 do
        local c = counts[b] or 0
        if c > 0 and seen + c > first then
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
    end
    if seen > last then break end
  end
  if desc then
    local reversed = {}
    for i = #ids, 1, -1 do reversed[#reversed + 1] = ids[i] end
    ids = reversed
  end
  return ids
end
