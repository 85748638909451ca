-- The jobs a bulk script works on: the ids it was given, or the first `limit` ids of a state
-- (of one type when `jtype` is set), oldest first.
local function select_ids(P, ids, state, jtype, limit)
  if ids then return ids end
  local set = K.state(P, state)
  if jtype then set = K.type_state(P, jtype, state) end
  return idset_range(P, { set }, 0, (tonumber(limit) or 1000) - 1, false)
end
