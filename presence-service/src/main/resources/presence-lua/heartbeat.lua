-- KEYS: node alive key, set of nodes; ARGV: nodeId, node TTL ms
local known = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return known
