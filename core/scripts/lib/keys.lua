-- Key builders, the Lua twin of core/keys.ts (a test checks that both build the same names).
-- P is the queue's key prefix with its hash tag, e.g. "{q}:"; every key shares that tag so a
-- script's keys live in one Redis Cluster slot.
local K = {}
function K.ids(P) return P .. 'ids' end
function K.job(P, id) return P .. 'job:' .. id end
function K.log(P, id) return P .. 'job:' .. id .. ':log' end
-- Integers going into keys, arguments and answers as text, each made once per call and with
-- '%d': Lua's tostring and concatenation format a number with '%.14g', and Redis 7.0 each number
-- given to redis.call with '%.17g', a floating-point printf of some 2,000 instructions (a
-- profile of small ack calls found 11% of Redis' work there); a batch's jobs share most of
-- theirs (bucket numbers, counts, a call's times).
local INT_TEXT = {}
local function int_text(n)
  local t = INT_TEXT[n]
  if not t then
    t = string.format('%d', n)
    INT_TEXT[n] = t
  end
  return t
end
-- The index keys a batch touches for every job are built once per call: Lua interns each string
-- it builds (a hash and an allocation), which costs more than the command that uses it. P is the
-- same for a whole call (ARGV[1]), and these tables live as long as the call.
local KEY_MEMO = { state = {}, type_state = {}, bucket = {} }
function K.state(P, state)
  local key = KEY_MEMO.state[state]
  if not key then
    key = P .. 'jobs:' .. state
    KEY_MEMO.state[state] = key
  end
  return key
end
-- A two-level memo's entry for (a, b), and the table to keep it in.
local function memo_get(memo, a, b)
  local by_b = memo[a]
  if not by_b then
    by_b = {}
    memo[a] = by_b
  end
  return by_b[b], by_b
end
function K.type_state(P, jtype, state)
  local key, memo = memo_get(KEY_MEMO.type_state, jtype, state)
  if not key then
    key = P .. 'jobs:' .. jtype .. ':' .. state
    memo[state] = key
  end
  return key
end
-- one bucket of an id set (lib/idset.lua)
function K.bucket(set, bucket)
  local key, memo = memo_get(KEY_MEMO.bucket, set, bucket)
  if not key then
    key = set .. ':' .. int_text(bucket)
    memo[bucket] = key
  end
  return key
end
function K.queue(P, jtype) return P .. 'queue:' .. jtype end
function K.delayed(P) return P .. 'delayed' end
function K.leases(P) return P .. 'leases' end
function K.types(P) return P .. 'types' end
function K.unique(P) return P .. 'unique' end
function K.search(P, word) return P .. 'search:' .. word end
function K.events(P) return P .. 'events' end
function K.paused(P) return P .. 'paused' end
function K.stats(P) return P .. 'stats' end
function K.throughput(P, minute) return P .. 'throughput:' .. minute end
function K.request(P, token) return P .. 'request:' .. token end
