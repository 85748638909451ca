-- Keeps at most cfg.keep_complete complete and cfg.keep_failed failed jobs (queue options
-- keepComplete, keepFailed; unset: all are kept, as in Kue): those beyond it with the lowest ids,
-- the oldest created, are removed as DELETE /job/:id removes them, at most TRIM_LIMIT per call, so a
-- backlog left when the option is first set goes over a few calls. Run wherever jobs become
-- complete or failed (an ack, a lease recovered, a move by hand), after the index writes are
-- flushed.
local TRIM_LIMIT = 200

local function trim_kept(P, cfg)
  for _, state in ipairs({ 'complete', 'failed' }) do
    local keep = tonumber(cfg['keep_' .. state])
    if keep then
      local over = idset_card(K.state(P, state)) - keep
      if over > 0 then
        local ids = select_ids(P, nil, state, nil, math.min(over, TRIM_LIMIT))
        ix_begin()
        for _, id in ipairs(ids) do remove_job(P, cfg, tostring(id)) end
        ix_flush()
      end
    end
  end
end
