-- Full-text index: one set of job ids per word. The words a job was indexed under are kept in
-- its hash ('search'), so removal and re-indexing clean exactly what was added.
local function index_words(P, id, words)
  if words == nil or words == '' then return end
  for w in string.gmatch(words, '%S+') do redis.call('SADD', K.search(P, w), id) end
  redis.call('HSET', K.job(P, id), F.search, words)
end

local function unindex_words(P, id)
  local words = redis.call('HGET', K.job(P, id), F.search)
  if not words then return end
  for w in string.gmatch(words, '%S+') do redis.call('SREM', K.search(P, w), id) end
  redis.call('HDEL', K.job(P, id), F.search)
end
