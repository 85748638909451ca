--[=[ read-search (read only): ids of the jobs indexed under every given word.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { words: [word] }
  Reads:   search:<word>
  Returns: JSON [id]
]=]
-- @include lib/keys.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local keys = {}
for i, w in ipairs(input.words) do keys[i] = K.search(P, w) end
if #keys == 0 then return cjson.encode({}) end
return cjson.encode(redis.call('SINTER', unpack(keys)))
