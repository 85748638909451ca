-- Index writes: every write a transition makes to an index goes through ix_add/ix_rem (plain
-- sorted sets) or ix_add_id/ix_rem_id (id sets' bitmaps, lib/idset.lua, whose counts they keep).
-- Immediate by default; between ix_begin() and ix_flush() they are queued and sent as one
-- variadic ZADD/ZREM/BITFIELD per key and run of the same command, which keeps each key's order of
-- operations (an add then a remove of one member stays in that order) while a batch of 100 jobs
-- pays a handful of calls instead of hundreds. A script that queues must flush before it reads
-- an index, and before it returns.
local IX = { on = false, keys = {}, runs = {}, bits = {}, bit_writes = {} }

local function ix_begin()
  IX.on = true
end

-- A bitmap write's offset and bit as strings: Redis turns a number argument into text with a
-- printf per argument, which two per id cost more than the BITFIELD itself.
local BIT_TEXT = { [0] = '0', [1] = '1' }
local OFFSET_TEXT = {}
local function offset_text(offset)
  local t = OFFSET_TEXT[offset]
  if not t then
    t = tostring(offset)
    OFFSET_TEXT[offset] = t
  end
  return t
end

-- One BITFIELD on a bucket of an id set, whose counts then follow the bits it flipped (a
-- BITFIELD SET answers each bit's old value; its new one is in the arguments).
local function bits_exec(b, from, to)
  local args = b.args
  local answer = redis.call('BITFIELD', b.key, unpack(args, from, to))
  local delta = 0
  for k, old in ipairs(answer) do
    local new = args[from + 4 * k - 1] == '1' and 1 or 0
    if new ~= old then delta = delta + new - old end
  end
  idset_count(b.set, b.bucket, delta)
end

-- The arguments to append a write of `op` to `key` to: the key's last run when it is of the same
-- op (a run keeps the key's order of operations), else a new run; nil when writes are immediate.
local function ix_run(op, key)
  if not IX.on then return nil end
  local runs = IX.runs[key]
  if not runs then
    runs = {}
    IX.runs[key] = runs
    IX.keys[#IX.keys + 1] = key
  end
  local run = runs[#runs]
  if not run or run.op ~= op then
    run = { op = op, args = {} }
    runs[#runs + 1] = run
  end
  return run.args
end

local function ix_add(key, score, member)
  local args = ix_run('ZADD', key)
  if not args then
    redis.call('ZADD', key, score, member)
    return
  end
  local n = #args
  args[n + 1] = score
  args[n + 2] = member
end

local function ix_rem(key, member)
  local args = ix_run('ZREM', key)
  if not args then
    redis.call('ZREM', key, member)
    return
  end
  args[#args + 1] = member
end

local function bucket_writes(set, bucket)
  return { set = set, bucket = bucket, key = K.bucket(set, bucket), args = {}, n = 0 }
end

-- Sets (bit 1) or clears (bit 0) an id's bit in its bucket of an id set: adds and removes of one
-- bucket share one argument list (a bucket key gets no other writes, so its order is kept), and a
-- batch pays one BITFIELD per bucket whatever the mix. The hottest path of a batch (eight calls a
-- claimed and completed job), hence written out: queued writes are found by set and bucket, and
-- the bucket's key is built once per call.
local function ix_bit(set, id, bit)
  local n = tonumber(id)
  local bucket = idset_bucket(n)
  local b
  if IX.on then
    local by_bucket = IX.bits[set]
    if not by_bucket then
      by_bucket = {}
      IX.bits[set] = by_bucket
    end
    b = by_bucket[bucket]
    if not b then
      b = bucket_writes(set, bucket)
      by_bucket[bucket] = b
      IX.bit_writes[#IX.bit_writes + 1] = b
    end
  else
    b = bucket_writes(set, bucket)
  end
  local args, i, offset = b.args, b.n, n - bucket * IDSET_BUCKET
  args[i + 1] = 'SET'
  args[i + 2] = 'u1'
  args[i + 3] = offset_text(offset)
  args[i + 4] = BIT_TEXT[bit]
  b.n = i + 4
  if not IX.on then bits_exec(b, 1, 4) end
end

local function ix_add_id(set, id) ix_bit(set, id, 1) end
local function ix_rem_id(set, id) ix_bit(set, id, 0) end

-- Sends what was queued (in chunks: Lua's unpack has a stack limit) and stops queuing.
-- A chunk is a multiple of 2 and of 4, so it never splits a ZADD pair or a BITFIELD SET.
local IX_CHUNK = 4000
local function ix_flush()
  IX.on = false
  for _, key in ipairs(IX.keys) do
    for _, run in ipairs(IX.runs[key]) do
      local args = run.args
      for i = 1, #args, IX_CHUNK do
        redis.call(run.op, key, unpack(args, i, math.min(i + IX_CHUNK - 1, #args)))
      end
    end
  end
  for _, b in ipairs(IX.bit_writes) do
    for i = 1, b.n, IX_CHUNK do
      bits_exec(b, i, math.min(i + IX_CHUNK - 1, b.n))
    end
  end
  IX.keys = {}
  IX.runs = {}
  IX.bits = {}
  IX.bit_writes = {}
end
