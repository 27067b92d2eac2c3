-- KEYS: set of nodes; ARGV: key prefix, now
-- Runs periodically, never per connect: it walks the nodes, and the sessions of dead ones.
-- It builds keys from the prefix, so it needs a single Redis (not Redis Cluster).
local offline = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'alive:' .. node) == 0 then
    local nodeKey = ARGV[1] .. 'node:' .. node
    for _, member in ipairs(redis.call('SMEMBERS', nodeKey)) do
      local space = string.find(member, ' ', 1, true)
      local user = string.sub(member, 1, space - 1)
      local sessions = ARGV[1] .. 'sessions:' .. user
      if redis.call('HDEL', sessions, string.sub(member, space + 1)) == 1 and redis.call('HLEN', sessions) == 0 then
        redis.call('HSET', ARGV[1] .. 'user:' .. user, 'lastSeen', ARGV[2])
        offline[#offline + 1] = user
      end
    end
    redis.call('DEL', nodeKey)
    redis.call('SREM', KEYS[1], node)
  end
end
return offline
