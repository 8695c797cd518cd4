// The Lua scripts of the Redis presence. Each touches the keys of one hash tag only (one slot).
import { lua } from './redis-link.js';

/** KEYS: nodes zset. ARGV: node, ttl ms. Stamps the node with Redis's clock; returns
 * {dead nodes, 1 if this node was missing or stale (its entries may have been swept)}. */
export const HEARTBEAT = lua(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = now - tonumber(ARGV[2])
local prev = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[1])
local lost = 0
if (not prev) or tonumber(prev) < limit then lost = 1 end
return {redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. limit), lost}
`);

/** KEYS: members, counts. ARGV: field (node/conn), value, node. */
export const JOIN = lua(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
return 0
`);

/** KEYS: members, counts. ARGV: field, node. */
export const LEAVE = lua(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
end
return 0
`);

/** KEYS: members, counts. ARGV: node, then field, value pairs: replaces every entry of the node
 * (restore after an outage, and with no pairs the sweep of a dead node). Returns the removed values. */
export const REPLACE_NODE = lua(`
local prefix = ARGV[1] .. '/'
local removed = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, #prefix) == prefix then
    redis.call('HDEL', KEYS[1], all[i])
    removed[#removed + 1] = all[i]
    removed[#removed + 1] = all[i + 1]
  end
end
local n = (#ARGV - 1) / 2
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if n > 0 then redis.call('HSET', KEYS[2], ARGV[1], n) else redis.call('HDEL', KEYS[2], ARGV[1]) end
return removed
`);

// The user scripts sum the other nodes' connections, skipping the dead nodes given after the
// fixed arguments; 'n:<node>' fields hold counts, 't' the online flag / last-offline time.
const OTHERS = `
local function others(key, me, from)
  local dead = {}
  for i = from, #ARGV do dead['n:' .. ARGV[i]] = true end
  local all = redis.call('HGETALL', key)
  local n = 0
  for i = 1, #all, 2 do
    local f = all[i]
    if f ~= me and string.sub(f, 1, 2) == 'n:' and not dead[f] then n = n + tonumber(all[i + 1]) end
  end
  return n
end
`;

/** KEYS: user hash. ARGV: node, dead nodes... Returns 1 on the cluster-wide first connection. */
export const CONNECT = lua(`${OTHERS}
local me = 'n:' .. ARGV[1]
local n = redis.call('HINCRBY', KEYS[1], me, 1)
redis.call('PERSIST', KEYS[1])
if n == 1 and others(KEYS[1], me, 2) == 0 then redis.call('HSET', KEYS[1], 't', 0) return 1 end
return 0
`);

/** KEYS: user hash. ARGV: node, now, ttl s of an offline user's time, dead nodes...
 * Returns 1 on the cluster-wide last disconnection. */
export const DISCONNECT = lua(`${OTHERS}
local me = 'n:' .. ARGV[1]
local v = redis.call('HGET', KEYS[1], me)
if not v then return 0 end
local n = tonumber(v) - 1
if n > 0 then redis.call('HSET', KEYS[1], me, n) return 0 end
redis.call('HDEL', KEYS[1], me)
if others(KEYS[1], me, 4) > 0 then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** KEYS: user hash. ARGV: node, count, now, ttl s, dead nodes... Sets the node's count (restore:
 * count > 0; sweep of a dead node: 0). Returns 1 when that left the user offline everywhere. */
export const SET_USER_COUNT = lua(`${OTHERS}
local me = 'n:' .. ARGV[1]
local n = tonumber(ARGV[2])
if n > 0 then
  redis.call('HSET', KEYS[1], me, n, 't', 0)
  redis.call('PERSIST', KEYS[1])
  return 0
end
if redis.call('HDEL', KEYS[1], me) == 0 then return 0 end
if others(KEYS[1], me, 5) > 0 or redis.call('HGET', KEYS[1], 't') ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
`);
