-- Key builders, the Lua twin of core/keys.ts (a test checks that both build the same names).
-- P is the queue's key prefix with its hash tag, e.g. "{q}:"; every key shares that tag so a
-- script's keys live in one Redis Cluster slot.
local K = {}
function K.ids(P) return P .. 'ids' end
function K.job(P, id) return P .. 'job:' .. id end
function K.log(P, id) return P .. 'job:' .. id .. ':log' end
function K.state(P, state) return P .. 'jobs:' .. state end
function K.type_state(P, jtype, state) return P .. 'jobs:' .. jtype .. ':' .. state end
-- one bucket of an id set (lib/idset.lua)
function K.bucket(set, bucket) return set .. ':' .. bucket end
function K.queue(P, jtype) return P .. 'queue:' .. jtype end
function K.delayed(P) return P .. 'delayed' end
function K.leases(P) return P .. 'leases' end
function K.types(P) return P .. 'types' end
function K.unique(P) return P .. 'unique' end
function K.search(P, word) return P .. 'search:' .. word end
function K.events(P) return P .. 'events' end
function K.paused(P) return P .. 'paused' end
function K.stats(P) return P .. 'stats' end
function K.throughput(P, minute) return P .. 'throughput:' .. minute end
function K.request(P, token) return P .. 'request:' .. token end
