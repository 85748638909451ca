-- Deletes a job and everything that refers to it: hash, log, every index, search words, its
-- unique key and its type's count. Returns false when there was no such job.
local function remove_job(P, cfg, id)
  local job = read_job(P, id)
  if not job then return false end
  -- The log goes first: Redis out of memory (maxmemory) refuses a script whose first write may
  -- grow memory, and lets it go on once it has written. A DEL is not such a write, so a full
  -- Redis can still be emptied of jobs (the index writes below would be refused as first writes).
  redis.call('DEL', K.log(P, id))
  unindex_state(P, id, tonumber(id), job.type, job.state)
  unindex_words(P, id)
  local ukey = redis.call('HGET', K.job(P, id), F.unique)
  if ukey and redis.call('HGET', K.unique(P), ukey) == tostring(id) then
    redis.call('HDEL', K.unique(P), ukey)
  end
  emit_job(P, cfg, id, job, 'remove', {})
  if redis.call('HINCRBY', K.types(P), job.type, -1) <= 0 then
    redis.call('HDEL', K.types(P), job.type)
  end
  redis.call('DEL', K.job(P, id))
  return true
end
