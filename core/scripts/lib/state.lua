-- Moves a job between state indexes. Every index a state implies is kept here and only here:
--   all states: jobs:<state> and jobs:<type>:<state> (score = id, stable pages by id)
--   inactive:   queue:<type> (score = priority, member = zero-padded id: priority, then FIFO)
--   delayed:    delayed (score = promote_at)
--   active:     leases (score = lease expiry), only while a lease is held
local function zid(id)
  return string.format('%015d', tonumber(id))
end

local function unindex_state(P, id, jtype, state)
  redis.call('ZREM', K.state(P, state), id)
  redis.call('ZREM', K.type_state(P, jtype, state), id)
  if state == 'inactive' then
    redis.call('ZREM', K.queue(P, jtype), zid(id))
  elseif state == 'delayed' then
    redis.call('ZREM', K.delayed(P), id)
  elseif state == 'active' then
    redis.call('ZREM', K.leases(P), id)
  end
end

-- fields: the job's hash fields already read (type, state, priority, promote_at).
local function set_state(P, id, job, to, now)
  local jkey = K.job(P, id)
  if job.state and job.state ~= '' then unindex_state(P, id, job.type, job.state) end
  redis.call('ZADD', K.state(P, to), tonumber(id), id)
  redis.call('ZADD', K.type_state(P, job.type, to), tonumber(id), id)
  if to == 'inactive' then
    redis.call('ZADD', K.queue(P, job.type), tonumber(job.priority) or 0, zid(id))
  elseif to == 'delayed' then
    redis.call('ZADD', K.delayed(P), tonumber(job.promote_at) or now, id)
  end
  if job.state == 'active' and to ~= 'active' then redis.call('HDEL', jkey, 'lease', 'lease_until') end
  redis.call('HSET', jkey, 'state', to, 'updated_at', now)
  job.state = to
end

-- Reads the fields every transition needs; nil when the job does not exist.
local function read_job(P, id)
  local v = redis.call('HMGET', K.job(P, id), 'type', 'state', 'priority', 'promote_at', 'events')
  if not v[1] then return nil end
  return { type = v[1], state = v[2], priority = v[3], promote_at = v[4], events = v[5] }
end
