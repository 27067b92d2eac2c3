-- KEYS: sessions of the user, user hash, sessions of the node, node alive key, set of nodes
-- ARGV: sessionId, nodeId, "<userId> <sessionId>", node TTL ms
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
-- A connect comes from a live node: it counts as a heartbeat.
redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
redis.call('SADD', KEYS[5], ARGV[2])
local status = redis.call('HGET', KEYS[2], 'status') or 'online'
local lastSeen = redis.call('HGET', KEYS[2], 'lastSeen') or ''
if redis.call('HGET', KEYS[2], 'shown') ~= status then
  redis.call('HSET', KEYS[2], 'shown', status)
  return {1, status, lastSeen}
end
return {0, status, lastSeen}
