--[=[ remove: deletes jobs and everything that refers to them (one, several, or a whole state).
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { ids?: [id], state?: name, type?: name, limit? }
  Touches: job:<id>, job:<id>:log, jobs:<state>, jobs:<type>:<state>, queue:<type>, delayed,
           leases, types, unique, search:<word>, events; reads ids (the counter bounds a
           selection by state)
  Returns: JSON { removed: n, missing: [id] }
  Events:  remove
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua
-- @include lib/events.lua
-- @include lib/select.lua
-- @include lib/index-writes.lua
-- @include lib/state.lua
-- @include lib/search.lua
-- @include lib/remove.lua

local P = ARGV[1]
local cfg = cjson.decode(ARGV[2])
local input = cjson.decode(ARGV[3])
local ids = select_ids(P, input.ids, input.state, input.type, input.limit)
local removed, missing = 0, {}
for _, raw in ipairs(ids) do
  local id = tostring(raw)
  if remove_job(P, cfg, id) then removed = removed + 1 else table.insert(missing, id) end
end
events_publish(P)
return cjson.encode({ removed = removed, missing = missing })
