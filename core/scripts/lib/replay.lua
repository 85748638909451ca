-- Calls that create or claim jobs answer the same when run again with the same request id. A
-- client retries a call whose answer it lost (@upstash/redis retries on network errors, the worker
-- retries an ack): without this the retry would create the jobs again, or claim other jobs while
-- the ones the lost answer carried sit leased to nobody until their lease expired, costing each an
-- attempt it never ran. Kept 60 s in request:<id> (the retries come within seconds), compact:
-- created or claimed ids as runs, an ack's settlements one letter a job.
local REPLAY_MS = 60000
local SETTLED_LETTER = { complete = 'c', retry = 'r', failed = 'f', lost = 'l', interrupted = 'i' }
local LETTER_SETTLED = { c = 'complete', r = 'retry', f = 'failed', l = 'lost', i = 'interrupted' }

local function id_runs(ids)
  local runs = {}
  for _, id in ipairs(ids) do
    local n = tonumber(id)
    local r = runs[#runs]
    if r and n == r[1] + r[2] then r[2] = r[2] + 1 else runs[#runs + 1] = { n, 1 } end
  end
  return runs
end

local function settled_letters(settled)
  local letters = {}
  for i, s in ipairs(settled) do letters[i] = SETTLED_LETTER[s] or 'l' end
  return table.concat(letters)
end

local function settled_from_letters(letters)
  local settled = {}
  for i = 1, #letters do settled[i] = LETTER_SETTLED[string.sub(letters, i, i)] end
  return settled
end

-- The jobs of a kept answer that the call's lease token still holds, as flat HGETALL arrays.
local function replay_jobs(P, runs, token)
  local jobs = {}
  for _, r in ipairs(runs or {}) do
    for id = r[1], r[1] + r[2] - 1 do
      local f = redis.call('HMGET', K.job(P, id), F.lease, F.state)
      if f[1] == token and f[2] == 'active' then
        jobs[#jobs + 1] = job_fields(P, id)
      end
    end
  end
  return jobs
end

local function replay_get(P, request)
  if not request or request == '' then return nil end
  local kept = redis.call('GET', K.request(P, request))
  if kept then return cjson.decode(kept) end
  return nil
end

local function replay_put(P, request, answer)
  if not request or request == '' then return end
  redis.call('SET', K.request(P, request), cjson.encode(answer), 'PX', REPLAY_MS)
end
