-- KEYS: set of nodes; ARGV: key prefix
-- The sockets registered on every node: one SCARD per node (O(nodes)), never a walk over sessions.
-- It builds keys from the prefix, so it needs a single Redis (not Redis Cluster).
local n = 0
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('SCARD', ARGV[1] .. 'node:' .. node)
end
return n
