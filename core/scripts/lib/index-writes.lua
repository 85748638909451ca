-- Index writes: every ZADD/ZREM a transition makes to an index goes through ix_add/ix_rem (plain
-- sorted sets) or ix_add_id/ix_rem_id (id sets, lib/idset.lua, whose counts they keep).
-- Immediate by default; between ix_begin() and ix_flush() they are queued and sent as one
-- variadic ZADD/ZREM per key and run of the same command, which keeps each key's order of
-- operations (an add then a remove of one member stays in that order) while a batch of 100 jobs
-- pays a handful of calls instead of hundreds. A script that queues must flush before it reads
-- an index, and before it returns.
local IX = { on = false, keys = {}, runs = {}, sets = {} }

local function ix_begin()
  IX.on = true
end

-- One ZADD/ZREM; for a bucket of an id set, the set's counts follow what it changed.
local function ix_exec(op, key, args, from, to)
  local changed = redis.call(op, key, unpack(args, from, to))
  local set = IX.sets[key]
  if set then idset_count(set[1], set[2], op == 'ZADD' and changed or -changed) end
end

local function ix_op(op, key, a, b)
  if not IX.on then
    local args = { a, b }
    ix_exec(op, key, args, 1, b ~= nil and 2 or 1)
    return
  end
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
  local args = run.args
  args[#args + 1] = a
  if b ~= nil then args[#args + 1] = b end
end

local function ix_add(key, score, member) ix_op('ZADD', key, score, member) end
local function ix_rem(key, member) ix_op('ZREM', key, member) end

local function ix_bucket_key(set, id)
  local bucket = idset_bucket(id)
  local key = K.bucket(set, bucket)
  if not IX.sets[key] then IX.sets[key] = { set, bucket } end
  return key
end

local function ix_add_id(set, id) ix_op('ZADD', ix_bucket_key(set, id), tonumber(id), id) end
local function ix_rem_id(set, id) ix_op('ZREM', ix_bucket_key(set, id), id) end

-- Sends what was queued (in chunks: Lua's unpack has a stack limit) and stops queuing.
local function ix_flush()
  IX.on = false
  for _, key in ipairs(IX.keys) do
    for _, run in ipairs(IX.runs[key]) do
      local args = run.args
      local step = 4000 -- even, so a ZADD chunk never splits a score from its member
      for i = 1, #args, step do
        ix_exec(run.op, key, args, i, math.min(i + step - 1, #args))
      end
    end
  end
  IX.keys = {}
  IX.runs = {}
end
