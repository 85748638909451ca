--[=[ read-search (read only): ids of the jobs indexed under every given word.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { words: [word], max, state?, type? }
           state, type: only the matching jobs in that state, of that type
  Reads:   search:<word>, job:<id> (state and type, with a filter)
  Returns: JSON { ids: [id] }, or { too_many: n } when every word matches more than `max` jobs
           (n: the rarest word's jobs)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local max = tonumber(input.max) or 10000
local keys = {}
for i, w in ipairs(input.words) do keys[i] = K.search(P, w) end
if #keys == 0 then return cjson.encode({ ids = {} }) end
-- SINTER's work and answer grow with its smallest set: a word in every one of millions of kept
-- jobs would hold Redis (and every worker) for seconds and answer more than a request may carry.
-- The rarest word bounds the answer, so a search whose every word is that common is refused.
local rarest = nil
for _, key in ipairs(keys) do
  local n = redis.call('SCARD', key)
  if n == 0 then return cjson.encode({ ids = {} }) end
  if rarest == nil or n < rarest then rarest = n end
end
if rarest > max then return cjson.encode({ too_many = rarest }) end
local ids = redis.call('SINTER', unpack(keys))
-- A filter reads two fields of each match (at most `max`): the dashboard's search of one state
-- otherwise fetched every matching job to keep the few in that state.
if input.state or input.type then
  local kept = {}
  for _, id in ipairs(ids) do
    local f = redis.call('HMGET', K.job(P, id), F.state, F.type)
    if (not input.state or f[1] == input.state) and (not input.type or f[2] == input.type) then
      kept[#kept + 1] = id
    end
  end
  ids = kept
end
return cjson.encode({ ids = ids })
