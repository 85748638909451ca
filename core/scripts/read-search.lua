--[=[ read-search (read only): ids of the jobs indexed under every given word.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { words: [word], max }
  Reads:   search:<word>
  Returns: JSON { ids: [id] }, or { too_many: n } when every word matches more than `max` jobs
           (n: the rarest word's jobs)
]=]
-- @include lib/keys.lua

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
return cjson.encode({ ids = redis.call('SINTER', unpack(keys)) })
