-- Keeps finished jobs within the queue options (unset: all are kept, as in Kue), removing the
-- others as DELETE /job/:id removes them, at most TRIM_LIMIT per call, so a backlog left when an
-- option is first set goes over a few calls:
--   keepComplete / keepFailed (cfg.keep_complete, keep_failed): at most that many, the newest by
--     id; those beyond it with the lowest ids (the oldest created) go.
--   keepCompleteMs / keepFailedMs (cfg.keep_complete_ms, keep_failed_ms): those that finished (or
--     were last updated) longer ago go. Looked for from the lowest id and stopped at the first
--     younger job, as ids follow creation, which finishing mostly follows: a job created long
--     before the others and finished after them holds them back until it ages too. No index by
--     finishing time: it would cost every kept job its memory.
-- Run wherever jobs become complete or failed (an ack, a lease recovered, a move by hand), and on
-- every claim (a cron tick ages out the jobs of a queue that went quiet), after the index writes
-- are flushed.
local TRIM_LIMIT = 200
-- Ids read per look at the oldest finished jobs: most calls find the oldest one young enough.
local AGE_PAGE = 16

local function trim_by_count(P, cfg, state, limit)
  local keep = tonumber(cfg['keep_' .. state])
  if not keep then return 0 end
  local over = math.min(idset_card(K.state(P, state)) - keep, limit)
  if over <= 0 then return 0 end
  local ids = select_ids(P, nil, state, nil, over)
  ix_begin()
  for _, id in ipairs(ids) do remove_job(P, cfg, tostring(id)) end
  ix_flush()
  return #ids
end

local function trim_by_age(P, cfg, state, now, limit)
  local age = tonumber(cfg['keep_' .. state .. '_ms'])
  if not age then return end
  local cutoff = now - age
  local removed = 0
  while removed < limit do
    local ids = select_ids(P, nil, state, nil, math.min(AGE_PAGE, limit - removed))
    local aged = {}
    for _, id in ipairs(ids) do
      local f = redis.call('HMGET', K.job(P, id), F.created_at, F.updated_at)
      if (epoch_of(f[1], f[2]) or tonumber(f[1]) or 0) > cutoff then break end
      aged[#aged + 1] = id
    end
    ix_begin()
    for _, id in ipairs(aged) do remove_job(P, cfg, tostring(id)) end
    ix_flush()
    removed = removed + #aged
    if #aged < #ids or #ids == 0 then return end
  end
end

local function trim_kept(P, cfg, now)
  for _, state in ipairs({ 'complete', 'failed' }) do
    local removed = trim_by_count(P, cfg, state, TRIM_LIMIT)
    trim_by_age(P, cfg, state, now, TRIM_LIMIT - removed)
  end
end
