-- Index writes: every write a transition makes to an index goes through ix_add/ix_rem (plain
-- sorted sets) or ix_add_id/ix_rem_id (id sets' bitmaps, lib/idset.lua, whose counts they keep).
-- Immediate by default; between ix_begin() and ix_flush() they are queued and sent as one
-- variadic ZADD/ZREM/BITFIELD per key and run of the same command, which keeps each key's order of
-- operations (an add then a remove of one member stays in that order) while a batch of 100 jobs
-- pays a handful of calls instead of hundreds. A script that queues must flush before it reads
-- an index, and before it returns.
local IX = { on = false, keys = {}, runs = {}, sets = {} }

local function ix_begin()
  IX.on = true
end

-- One ZADD/ZREM, or one BITFIELD on a bucket of an id set, whose counts then follow the bits it
-- flipped (a BITFIELD SET answers each bit's old value; its new one is in the arguments).
local function ix_exec(op, key, args, from, to)
  local answer = redis.call(op, key, unpack(args, from, to))
  if op ~= 'BITFIELD' then return end
  local delta = 0
  for k, old in ipairs(answer) do
    local new = args[from + 4 * k - 1]
    if new ~= old then delta = delta + new - old end
  end
  local set = IX.sets[key]
  idset_count(set[1], set[2], delta)
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
  args[#args + 1] = score
  args[#args + 1] = member
end

local function ix_rem(key, member)
  local args = ix_run('ZREM', key)
  if not args then
    redis.call('ZREM', key, member)
    return
  end
  args[#args + 1] = member
end

-- Sets (bit 1) or clears (bit 0) an id's bit in its bucket of an id set: adds and removes of one
-- bucket share a run, so a batch pays one BITFIELD per bucket whatever the mix.
local function ix_bit(set, id, bit)
  local n = tonumber(id)
  local bucket = idset_bucket(n)
  local key = K.bucket(set, bucket)
  if not IX.sets[key] then IX.sets[key] = { set, bucket } end
  local args = ix_run('BITFIELD', key)
  local immediate = args == nil
  if immediate then args = {} end
  args[#args + 1] = 'SET'
  args[#args + 1] = 'u1'
  args[#args + 1] = n % IDSET_BUCKET
  args[#args + 1] = bit
  if immediate then ix_exec('BITFIELD', key, args, 1, 4) end
end

local function ix_add_id(set, id) ix_bit(set, id, 1) end
local function ix_rem_id(set, id) ix_bit(set, id, 0) end

-- Sends what was queued (in chunks: Lua's unpack has a stack limit) and stops queuing.
local function ix_flush()
  IX.on = false
  for _, key in ipairs(IX.keys) do
    for _, run in ipairs(IX.runs[key]) do
      local args = run.args
      -- a multiple of 2 and of 4, so a chunk never splits a ZADD pair or a BITFIELD SET
      local step = 4000
      for i = 1, #args, step do
        ix_exec(run.op, key, args, i, math.min(i + step - 1, #args))
      end
    end
  end
  IX.keys = {}
  IX.runs = {}
end
