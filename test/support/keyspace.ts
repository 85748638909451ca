/**
 * A Lua script that fingerprints every key matching ARGV[1]: name, type and the SHA-1 of its DUMP,
 * sorted. Computed inside Redis so binary DUMP output never crosses the HTTP bridge as text; a
 * test compares the fingerprint before and after to prove that requests wrote nothing.
 */
export const keyspaceFingerprintScript = `
local out = {}
local cursor = '0'
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    out[#out + 1] = k .. ' ' .. redis.call('TYPE', k).ok .. ' ' .. redis.sha1hex(redis.call('DUMP', k))
  end
until cursor == '0'
table.sort(out)
return out`;
