-- Index writes: every write a transition makes to an index goes through ix_add/ix_rem (plain
-- sorted sets) or ix_state_bits (id sets' bitmaps, lib/idset.lua, whose counts they keep).
-- Immediate by default; between ix_begin() and ix_flush() they are queued and sent as one
-- variadic ZADD/ZREM per key and run of the same command (bitmaps: one write per bucket), which
-- keeps each key's order of operations (an add then a remove of one member stays in that order)
-- while a batch of 100 jobs pays a handful of calls instead of hundreds. A script that queues
-- must flush before it reads a sorted set, and before it returns; a read of an id set applies
-- the id-set writes still queued itself (lib/idset.lua).
-- kept: id-set writes left queued by ix_flush(true), applied with the next flush or before any
-- id set is read (lib/idset.lua)
local IX = { on = false, kept = false, keys = {}, runs = {}, bits = {}, bit_writes = {} }

local function ix_begin()
  IX.on = true
end

-- A bit's weight in its byte by the offset's place in it: offset 0 is the first byte's high bit,
-- as SETBIT and BITFIELD number them.
local BIT_WEIGHT = { [0] = 128, 64, 32, 16, 8, 4, 2, 1 }
local BUCKET_BYTES = IDSET_BUCKET / 8

-- One bucket's queued bit writes, applied in order to that bucket of `set` (its key: `key`), whose
-- counts then follow the bits they flipped. A few writes of one kind go as one BITFIELD (it
-- answers each bit's old value); more, or sets and clears together, are applied to the bitmap
-- read with GET and written back with SET: a bucket is 16 bytes, and a batch's BITFIELD took four
-- arguments an id, each made a Redis string and parsed, which cost more than the rest of the
-- write. (Sets and clears that cancel out, a job recovered and claimed again in one call, would
-- leave a BITFIELD's bitmap of zeros behind with its count unchanged; the SET path drops it.)
local BITFIELD_MAX = 4
local function one_kind(bits, n)
  for i = 2, n do
    if bits[i] ~= bits[1] then return false end
  end
  return true
end

local function bits_exec(b, set, key)
  local offsets, bits, n = b.offsets, b.bits, b.n
  local delta = 0
  if n <= BITFIELD_MAX and one_kind(bits, n) then
    local args = {}
    for i = 1, n do
      args[4 * i - 3] = 'SET'
      args[4 * i - 2] = 'u1'
      args[4 * i - 1] = int_text(offsets[i])
      args[4 * i] = bits[i] == 1 and '1' or '0'
    end
    local answer = redis.call('BITFIELD', key, unpack(args))
    -- a later write to the same offset answers the earlier one's bit: the sum still holds
    for i, old in ipairs(answer) do delta = delta + bits[i] - old end
  else
    local bitmap = redis.call('GET', key)
    local bytes, len = {}, 0
    if bitmap then
      len = #bitmap
      bytes = { string.byte(bitmap, 1, len) }
    end
    for i = len + 1, BUCKET_BYTES do bytes[i] = 0 end
    for i = 1, n do
      local offset = offsets[i]
      local within = offset % 8
      local at, weight = (offset - within) / 8 + 1, BIT_WEIGHT[within]
      local byte = bytes[at]
      local was_set = byte % (weight + weight) >= weight
      if bits[i] == 1 then
        if not was_set then
          bytes[at] = byte + weight
          delta = delta + 1
        end
      elseif was_set then
        bytes[at] = byte - weight
        delta = delta - 1
      end
    end
    -- trailing zero bytes dropped, as SETBIT leaves a bitmap no longer than its last set bit
    local last = BUCKET_BYTES
    while last > 0 and bytes[last] == 0 do last = last - 1 end
    if last == 0 then
      if bitmap then redis.call('DEL', key) end
    else
      local text = string.char(unpack(bytes, 1, last))
      if text ~= bitmap then redis.call('SET', key, text) end
    end
  end
  idset_count(set, b.bucket, delta)
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

-- The two id sets of a state, jobs:<state> and jobs:<type>:<state>, by type and state: a
-- transition writes the same bits to both, and a batch's jobs share their type.
local STATE_SETS = {}
local function state_sets(P, jtype, state)
  local sets, memo = memo_get(STATE_SETS, jtype, state)
  if not sets then
    sets = { K.state(P, state), K.type_state(P, jtype, state) }
    memo[state] = sets
  end
  return sets
end

-- A bucket's queued writes, for both id sets of a state.
local function bucket_writes(sets, bucket)
  return { sets = sets, bucket = bucket, offsets = {}, bits = {}, n = 0 }
end

local function bucket_exec(b)
  for _, set in ipairs(b.sets) do bits_exec(b, set, K.bucket(set, b.bucket)) end
end

-- Sets (bit 1) or clears (bit 0) id n's bit in both id sets of a state: adds and removes of one
-- bucket share one list, kept once for both sets, and a batch pays one write per bucket and set
-- whatever the mix (bits_exec). An id's writes keep their order: a job has one type, so they all
-- go through its type's lists (a jobs:<state> bucket also gets other types' ids, at other
-- offsets). The hottest path of a batch (four calls a claimed and completed job), hence written
-- out.
local function ix_state_bits(P, jtype, state, n, bit)
  local sets = state_sets(P, jtype, state)
  local bucket = idset_bucket(n)
  local b
  if IX.on or IX.kept then
    local by_bucket = IX.bits[sets]
    if not by_bucket then
      by_bucket = {}
      IX.bits[sets] = by_bucket
    end
    b = by_bucket[bucket]
    if not b then
      b = bucket_writes(sets, bucket)
      by_bucket[bucket] = b
      IX.bit_writes[#IX.bit_writes + 1] = b
    end
  else
    b = bucket_writes(sets, bucket)
  end
  local i = b.n + 1
  b.offsets[i] = n - bucket * IDSET_BUCKET
  b.bits[i] = bit
  b.n = i
  if not (IX.on or IX.kept) then bucket_exec(b) end
end

-- Applies the id-set writes queued, in order (a bucket's list keeps its writes' order).
local function ix_apply_bits()
  local writes = IX.bit_writes
  IX.kept = false
  if #writes == 0 then return end
  IX.bits = {}
  IX.bit_writes = {}
  for _, b in ipairs(writes) do bucket_exec(b) end
end
IDSET_QUEUE.apply = ix_apply_bits

-- Sends what was queued (in chunks: Lua's unpack has a stack limit) and stops queuing.
-- A chunk is even, so it never splits a ZADD pair. With keep_bits, the id-set writes stay
-- queued, and id-set writes made after it join them until the next flush (or a read of an id
-- set): an ack's writes and those of the claim riding on it then write a bucket once, and the
-- active set's bucket that the ack empties and the claim refills keeps its count.
local IX_CHUNK = 4000
local function ix_flush(keep_bits)
  IX.on = false
  for _, key in ipairs(IX.keys) do
    for _, run in ipairs(IX.runs[key]) do
      local args = run.args
      for i = 1, #args, IX_CHUNK do
        redis.call(run.op, key, unpack(args, i, math.min(i + IX_CHUNK - 1, #args)))
      end
    end
  end
  IX.keys = {}
  IX.runs = {}
  if keep_bits then
    IX.kept = true
  else
    ix_apply_bits()
  end
end
