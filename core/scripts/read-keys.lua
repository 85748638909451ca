--[=[ read-keys (read only): the key names lib/keys.lua builds and the job fields lib/fields.lua
  names, so a test can check that they equal core/keys.ts's and core/job-fields.ts's. Not used at run time.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON; ARGV[3] input JSON { id, type, state, word, minute }
  Returns: JSON { name: key, fields: lib/fields.lua's F }
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua

local P = ARGV[1]
local i = cjson.decode(ARGV[3])
return cjson.encode({
  ids = K.ids(P), job = K.job(P, i.id), log = K.log(P, i.id),
  state = K.state(P, i.state), typeState = K.type_state(P, i.type, i.state),
  bucket = K.bucket(K.state(P, i.state), idset_bucket(i.id)),
  queue = K.queue(P, i.type), delayed = K.delayed(P), leases = K.leases(P), types = K.types(P),
  unique = K.unique(P), search = K.search(P, i.word), events = K.events(P),
  paused = K.paused(P), stats = K.stats(P), throughput = K.throughput(P, i.minute),
  request = K.request(P, i.word),
  fields = F,
})
