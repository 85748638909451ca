-- Claims up to `count` inactive jobs of the given types, best priority first then FIFO across all
-- of them, never letting a type exceed its concurrency in live leases (across every worker).
-- types: array of { type = name, concurrency = n (0 = unlimited) }.
-- Returns the claimed jobs as flat HGETALL arrays.

-- Paused types (ctx.pause / queue.pause), dropping pauses whose timeout has passed, with the
-- 'resume' event a resume by hand has (a timed pause ends unseen otherwise).
local function paused_types(P, cfg, now)
  local raw = redis.call('HGETALL', K.paused(P))
  local paused = {}
  for i = 1, #raw, 2 do
    local until_ms = tonumber(raw[i + 1]) or 0
    if until_ms == 0 or until_ms > now then
      paused[raw[i]] = true
    else
      redis.call('HDEL', K.paused(P), raw[i])
      emit(P, cfg, '', raw[i], 'resume', {})
    end
  end
  return paused
end

-- What start_job leaves out of the hash it read: what the caller can tell, the times the claim
-- rewrites (appended after, lease_until only when a ttl shortened the lease), and an earlier
-- lease's log mark (touch.lua).
local CLAIM_OMIT = { [F.state] = true, [F.lease] = true, [F.workerId] = true,
  [F.updated_at] = true, [F.started_at] = true, [F.lease_until] = true, [F.log_mark] = true }

-- The fields of a claimed job's hash the transition reads (read_job's, and the ttl), by field
-- name: the job table's name for each.
local CLAIM_READ = { [F.ttl] = 'ttl' }
for _, name in ipairs(JOB_READ) do CLAIM_READ[F[name]] = name end

-- One HGETALL per claimed job, read in one pass: the transition's fields, the answer (the hash as
-- the claim leaves it, less CLAIM_OMIT; the fields start_job writes are its last) and its bytes.
-- The hottest loop of a claim, hence no table of the whole hash by name (16 inserts, 5 rehashes).
-- id: a string (a number would be formatted again by every key and argument it goes into), num:
-- the same as a number.
local function start_job(P, cfg, id, num, now, lease_ms, token, worker)
  local key = K.job(P, id)
  local h = redis.call('HGETALL', key)
  local out, n, bytes = { 'id', id }, 2, 0
  -- the nils size the table for what the loop sets (Lua sizes a constructor by its fields)
  local job = { key = key, n = num, state = nil, type = nil, created_at = nil, priority = nil,
    events = nil, promote_at = nil, ttl = nil }
  for i = 1, #h, 2 do
    local name, value = h[i], h[i + 1]
    bytes = bytes + #value
    local as = CLAIM_READ[name]
    if as then job[as] = value end
    if not CLAIM_OMIT[name] then
      out[n + 1] = name
      out[n + 2] = value
      n = n + 2
    end
  end
  if job.state ~= 'inactive' then return nil end
  -- The lease ends at lease_ms, or sooner when the job's ttl does.
  local expiry = now + lease_ms
  local ttl = tonumber(job.ttl) or 0
  if ttl > 0 and now + ttl < expiry then expiry = now + ttl end
  local expiry_text = int_text(expiry)
  local started = since_created_text(job.created_at, now)
  set_state(P, id, job, 'active', now,
    { F.lease, token, F.lease_until, expiry_text, F.started_at, started, F.workerId, worker })
  ix_add(K.leases(P), expiry_text, id)
  emit_job(P, cfg, id, job, 'start')
  -- The answer leaves out what the caller sent or can tell (worker-handlers/script-calls.ts
  -- fills it in): state active, its token and worker name, updated_at (= started_at), and
  -- lease_until unless a ttl shortened it. About 100 of a claimed job's 230 bytes.
  out[n + 1] = F.started_at
  out[n + 2] = started
  if expiry ~= now + lease_ms then
    out[n + 3] = F.lease_until
    out[n + 4] = expiry_text
  end
  return out, bytes
end

-- Returns the claimed jobs (flat HGETALL arrays) and their ids. max_bytes (optional) bounds the
-- answer: once the claimed jobs' values reach it no more are claimed, so large jobs come a few
-- per call instead of in an answer larger than an HTTP Redis request may be (the first job is
-- always claimed).
local function claim_jobs(P, cfg, now, count, lease_ms, token, worker, types, max_bytes)
  local claimed, ids = {}, {}
  local bytes, budget = 0, tonumber(max_bytes) or math.huge
  if count <= 0 then return claimed, ids end
  local paused = paused_types(P, cfg, now)
  local lanes = {}
  for _, t in ipairs(types) do
    if not paused[t.type] then
      local room = count
      local limit = tonumber(t.concurrency) or 0
      if limit > 0 then
        room = math.min(room, limit - idset_card(K.type_state(P, t.type, 'active')))
      end
      if room > 0 then
        local heads = redis.call('ZRANGE', K.queue(P, t.type), 0, room - 1, 'WITHSCORES')
        if #heads > 0 then table.insert(lanes, { heads = heads, at = 1, type = t.type }) end
      end
    end
  end
  -- k-way merge of the per-type heads by (priority, zero-padded id); index writes queued until
  -- the end (nothing in the loop reads an index: the heads were read above)
  ix_begin()
  local taken = 0
  while taken < count and bytes < budget do
    local best, best_member, best_score = nil, nil, nil
    if #lanes == 1 then
      -- one type: its heads are in order already, no score to compare
      best, best_member = lanes[1], lanes[1].heads[lanes[1].at]
      if not best_member then best = nil end
    else
      for _, lane in ipairs(lanes) do
        local member = lane.heads[lane.at]
        if member then
          local score = tonumber(lane.heads[lane.at + 1])
          local first = best == nil or score < best_score
          if first or (score == best_score and member < best_member) then
            best, best_member, best_score = lane, member, score
          end
        end
      end
    end
    if best == nil then break end
    best.at = best.at + 2
    -- the member less its zero padding: no number parsed and formatted again
    local id = string.match(best_member, '^0*(%d+)$') or tostring(tonumber(best_member))
    local n = tonumber(id)
    local started, size = start_job(P, cfg, id, n, now, lease_ms, token, worker)
    if started then
      bytes = bytes + size
      taken = taken + 1
      claimed[taken] = started
      ids[taken] = n
    else
      -- a stale entry (cannot happen through the scripts; a hand edit may leave one): drop it
      ix_rem(K.queue(P, best.type), best_member)
    end
  end
  ix_flush()
  return claimed, ids
end
