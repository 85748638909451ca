-- Job hash field names, the Lua twin of core/job-fields.ts (a test checks that both agree).
-- A finished job is kept for as long as its queue keeps history, and storage is billed on
-- Upstash: a job's hash is the bulk of what a queue stores, so its field names are a letter or
-- two, and times after creation are kept as ms since created_at (small integers, which Redis
-- packs into a few bytes, where an epoch in ms takes ten). Readers get Kue's names back through
-- core/job.ts. The job's id is its key's, not a field: job_fields() adds it for readers.
local F = {
  type = 't',
  state = 's',
  data = 'd',
  created_at = 'c',
  updated_at = 'u',    -- ms after created_at
  started_at = 'b',    -- ms after created_at
  failed_at = 'f',     -- ms after created_at
  promote_at = 'pa',   -- epoch ms (the delayed index's score)
  priority = 'p',
  attempts = 'a',
  max_attempts = 'ma',
  delay = 'dl',
  backoff = 'bo',
  ttl = 'tl',
  duration = 'du',
  progress = 'pg',     -- absent: 0, or 100 when complete
  progress_data = 'pd',
  result = 'r',
  error = 'e',
  workerId = 'w',
  lease = 'l',
  lease_until = 'lu',  -- epoch ms
  remove_on_complete = 'rc',
  events = 'ev',
  unique = 'uq',
  search = 'sw',
  search_keys = 'sk',  -- the searchKeys paths as JSON, only when given: update re-indexes them
  log_mark = 'lm',    -- '<lease token>:<lines>': log lines a worker wrote under that lease
  interruptions = 'it', -- runs cut by the end of their invocation, given back (lib/fail-attempt.lua)
}

-- A time as the hash keeps it: ms after the job's creation.
local function since_created(created_at, t)
  return t - (tonumber(created_at) or t)
end

-- since_created(created_at, now) as text, by created_at: jobs created by one call share it.
local SINCE_TEXT = { now = nil, by_created = {} }
local function since_created_text(created_at, now)
  if SINCE_TEXT.now ~= now then
    SINCE_TEXT.now = now
    SINCE_TEXT.by_created = {}
  end
  local key = created_at or ''
  local t = SINCE_TEXT.by_created[key]
  if not t then
    t = int_text(since_created(created_at, now))
    SINCE_TEXT.by_created[key] = t
  end
  return t
end

-- The epoch ms of a time the hash keeps as ms after creation, or nil when it keeps none.
local function epoch_of(created_at, since)
  if not since then return nil end
  return (tonumber(created_at) or 0) + tonumber(since)
end

-- A job's hash already read (HGETALL's flat list) as a field/value list led by its id ('id', id,
-- ...), or {} when the job has no hash; without the fields named in `skip` (a set), when given.
local function hash_fields(id, h, skip)
  if #h == 0 then return h end
  local out = { 'id', tostring(id) }
  for i = 1, #h, 2 do
    if not (skip and skip[h[i]]) then
      out[#out + 1] = h[i]
      out[#out + 1] = h[i + 1]
    end
  end
  return out
end

-- A job's hash as a flat field/value list led by its id, read now (hash_fields).
local function job_fields(P, id, skip)
  return hash_fields(id, redis.call('HGETALL', K.job(P, id)), skip)
end

-- The bytes of a flat field/value list's values: what a job adds to an answer, about.
local function values_bytes(h)
  local n = 0
  for i = 2, #h, 2 do n = n + #h[i] end
  return n
end
