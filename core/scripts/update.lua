--[=[ update: rewrites a job's data and options (job.update(), a priority change).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { id, data?, priority?, max_attempts?, ttl?, delay?, backoff?, search?,
                        search_keys? }
           data and backoff: JSON text; search: the new words ('' = none), absent = unchanged;
           search_keys: the searchKeys paths as JSON text, kept for the next update ('' = none:
           all of data), absent = unchanged
           delay: only when the caller set one; a delayed job then waits for it from its last
           failed attempt, else from its creation (Kue's rule): without it a delayed job keeps
           its promote_at (a backoff's, or a delay's)
  Touches: job:<id>, queue:<type>, delayed, search:<word>, events
  Returns: JSON { ok: 1, promote_at? } (promote_at: the new one, when the delay moved it) or
           { missing: 1 }
  Events:  update
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/time.lua
-- @include lib/events.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/search.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local u = cjson.decode(ARGV[3])
local now = now_ms()
local id = tostring(u.id)
local jkey = K.job(P, id)
local job = read_job(P, id)
if not job then return cjson.encode({ missing = 1 }) end

if u.data ~= nil then redis.call('HSET', jkey, F.data, u.data) end
if u.max_attempts ~= nil then redis.call('HSET', jkey, F.max_attempts, u.max_attempts) end
if u.backoff ~= nil then redis.call('HSET', jkey, F.backoff, u.backoff) end
if u.ttl ~= nil then
  if tonumber(u.ttl) > 0 then
    redis.call('HSET', jkey, F.ttl, u.ttl)
  else
    redis.call('HDEL', jkey, F.ttl)
  end
end
local promote_at = nil
if u.delay ~= nil then
  redis.call('HSET', jkey, F.delay, u.delay)
  if job.state == 'delayed' then
    local f = redis.call('HGET', jkey, F.failed_at)
    local from = epoch_of(job.created_at, f) or tonumber(job.created_at) or now
    promote_at = int_text(from + tonumber(u.delay))
    redis.call('HSET', jkey, F.promote_at, promote_at)
    redis.call('ZADD', K.delayed(P), promote_at, id)
  end
end
if u.priority ~= nil then
  redis.call('HSET', jkey, F.priority, u.priority)
  if job.state == 'inactive' then
    redis.call('ZADD', K.queue(P, job.type), tonumber(u.priority), zid(id))
  end
end
if u.search ~= nil then
  unindex_words(P, id)
  index_words(P, id, u.search)
end
if u.search_keys ~= nil then
  if u.search_keys ~= '' then
    redis.call('HSET', jkey, F.search_keys, u.search_keys)
  else
    redis.call('HDEL', jkey, F.search_keys)
  end
end
redis.call('HSET', jkey, F.updated_at, since_created(job.created_at, now))
emit_job(P, cfg, id, job, 'update', {})
events_publish(P)
return cjson.encode({ ok = 1, promote_at = promote_at })
