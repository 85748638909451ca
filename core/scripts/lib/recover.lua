-- Fails the attempt of up to `limit` active jobs whose lease expired: their worker vanished (or
-- overran its job's ttl). The attempt counts, and the job's backoff applies, as for any failure;
-- the jobs it fails for good are counted in throughput here (with any of its caller's before).
local RECOVER_READ = { F.started_at, F.ttl }

local function recover_expired(P, cfg, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', K.leases(P), '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local job, f = read_job(P, id, RECOVER_READ)
    if job and job.state == 'active' then
      local ttl = tonumber(f[2]) or 0
      local reason = 'lease expired'
      local started = epoch_of(job.created_at, f[1]) or now
      if ttl > 0 and now >= started + ttl then reason = 'TTL exceeded' end
      fail_attempt(P, cfg, id, job, reason, now, -1)
    else
      redis.call('ZREM', K.leases(P), id)
    end
  end
  count_throughput(P, now, 0)
  return #ids
end
