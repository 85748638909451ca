--[=[ read-range (read only): a page of jobs by rank in an order by id (stable pages for infinite
  scroll), with each job's fields, in one round trip.
  KEYS[1]  {q}:ids   (slot routing)
  ARGV[1]  key prefix; ARGV[2] cfg JSON
  ARGV[3]  input JSON { state?, type?, from, to, order: 'asc'|'desc', max_bytes? }
           no state: all jobs; type without state: not supported (the caller picks a state)
           from, to: ranks as ZRANGE takes them (negative counts from the end)
  Reads:   ids, jobs:<state>, jobs:<type>:<state> (id sets), job:<id>
  Returns: JSON { jobs: [[field, value, ...]], rest: [id], read: n }  rest: the page's ids after
           the jobs once they held max_bytes, in order (read-jobs fetches them); read: the ids
           before rest (a job whose hash is gone is left out of jobs, its rank still counts)
]=]
-- @include lib/keys.lua
-- @include lib/fields.lua
-- @include lib/idset.lua

local P = ARGV[1]
local input = cjson.decode(ARGV[3])
local sets = {}
if input.state and input.type then
  sets[1] = K.type_state(P, input.type, input.state)
elseif input.state then
  sets[1] = K.state(P, input.state)
else
  -- All jobs: every job is in exactly one state set, so their union is every job by id, with no
  -- index of its own to keep.
  for _, s in ipairs({ 'inactive', 'delayed', 'active', 'complete', 'failed' }) do
    sets[#sets + 1] = K.state(P, s)
  end
end
local ids = idset_range(P, sets, tonumber(input.from), tonumber(input.to), input.order == 'desc')
-- Jobs until the answer holds max_bytes; the page's other ids go back for read-jobs to fetch.
local budget = tonumber(input.max_bytes) or math.huge
local jobs, rest, bytes = {}, {}, 0
for _, id in ipairs(ids) do
  if bytes >= budget then
    rest[#rest + 1] = id
  else
    local h = job_fields(P, id)
    if #h > 0 then
      table.insert(jobs, h)
      bytes = bytes + values_bytes(h)
    end
  end
end
return cjson.encode({ jobs = jobs, rest = rest, read = #ids - #rest })
