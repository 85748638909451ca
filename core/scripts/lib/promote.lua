-- Moves up to `limit` delayed jobs whose promote_at has passed back to inactive.
local function promote_due(P, cfg, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', K.delayed(P), '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local job = read_job(P, id)
    if job then
      set_state(P, id, job, 'inactive', now)
      emit_job(P, cfg, id, job, 'promotion', {})
    else
      redis.call('ZREM', K.delayed(P), id)
    end
  end
  return #ids
end

-- When the next delayed job is due (ms), or -1 when none is waiting.
local function next_due(P)
  local head = redis.call('ZRANGE', K.delayed(P), 0, 0, 'WITHSCORES')
  if head[2] then return tonumber(head[2]) end
  return -1
end
