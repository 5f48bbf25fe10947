// Lua scripts of the Redis store: each runs atomically on the server, so two replicas can never both
// redeem one code or refresh token. Every key of a deployment shares one hash tag (store-url.ts), so
// the keys a script derives from its arguments are in the slot of the keys it declares.

/**
 * Takes a single-use record. KEYS: record, used marker. ARGV: marker lifetime (ms).
 * Returns {'record', json}, {'replayed', family} or nil.
 */
export const REDEEM = `
local v = redis.call('GET', KEYS[1])
if v then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], cjson.decode(v).family, 'PX', ARGV[1])
  return {'record', v}
end
local f = redis.call('GET', KEYS[2])
if f then return {'replayed', f} end
return nil
`;

/**
 * Revokes a family. KEYS: revoked marker, the family's refresh tokens (set), its jtis (hash).
 * ARGV: refresh-token key prefix, revoked-jti key prefix, marker lifetime (ms), issuer now (ms),
 * how long a revoked jti stays refused past its exp (ms).
 */
export const REVOKE_FAMILY = `
redis.call('SET', KEYS[1], '1', 'PX', ARGV[3])
for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', ARGV[1] .. token)
end
local jtis = redis.call('HGETALL', KEYS[3])
for i = 1, #jtis, 2 do
  local ttl = math.floor(tonumber(jtis[i + 1]) - tonumber(ARGV[4]) + tonumber(ARGV[5]))
  if ttl > 0 then redis.call('SET', ARGV[2] .. jtis[i], jtis[i + 1], 'PX', ttl) end
end
redis.call('DEL', KEYS[2], KEYS[3])
return 1
`;

/** Reads a hash field holding {sticky, ...} JSON and deletes it unless sticky. KEYS: hash. ARGV: field. */
export const TAKE_FIELD = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return nil end
if cjson.decode(v).sticky ~= true then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v
`;

/** Reads a key holding {sticky, ...} JSON and deletes it unless sticky. KEYS: the key. */
export const TAKE_KEY = `
local v = redis.call('GET', KEYS[1])
if not v then return nil end
if cjson.decode(v).sticky ~= true then redis.call('DEL', KEYS[1]) end
return v
`;
