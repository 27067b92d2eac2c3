-- KEYS: sessions of the user, user hash
local shown = redis.call('HGET', KEYS[2], 'shown')
if redis.call('HLEN', KEYS[1]) == 0 and shown and shown ~= 'offline' then
  redis.call('HSET', KEYS[2], 'shown', 'offline')
  return {1, 'offline', redis.call('HGET', KEYS[2], 'lastSeen') or ''}
end
local status = 'offline'
if redis.call('HLEN', KEYS[1]) > 0 then
  status = redis.call('HGET', KEYS[2], 'status') or 'online'
end
return {0, status, redis.call('HGET', KEYS[2], 'lastSeen') or ''}
