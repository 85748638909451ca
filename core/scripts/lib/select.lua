-- The jobs a bulk script works on: the ids it was given, or `limit` ids of a state (of one type
-- when `jtype` is set), oldest first, from rank `offset` (0: the oldest).
local function select_ids(P, ids, state, jtype, limit, offset)
  if ids then return ids end
  local set = K.state(P, state)
  if jtype then set = K.type_state(P, jtype, state) end
  local from = tonumber(offset) or 0
  return idset_range(P, { set }, from, from + (tonumber(limit) or 1000) - 1, false)
end
