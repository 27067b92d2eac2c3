-- KEYS: sessions of the user, user hash; ARGV: the chosen status, now
redis.call('HSET', KEYS[2], 'status', ARGV[1], 'statusAt', ARGV[2])
local lastSeen = redis.call('HGET', KEYS[2], 'lastSeen') or ''
if redis.call('HLEN', KEYS[1]) == 0 then
  return {0, 'offline', lastSeen}
end
if redis.call('HGET', KEYS[2], 'shown') ~= ARGV[1] then
  redis.call('HSET', KEYS[2], 'shown', ARGV[1])
  return {1, ARGV[1], lastSeen}
end
return {0, ARGV[1], lastSeen}
