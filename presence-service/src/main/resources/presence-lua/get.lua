-- KEYS: the registry marker, the rebuilding marker, then for each user its sessions then its user hash
-- Answers, per user: status shown to others now, lastSeen ('' when never seen); or {'lost'} when
-- the registry marker is gone (Redis came back without its data and no instance has noticed
-- yet): then nobody's presence is known, and "offline" would be a lie others act on.
-- While the registry is rebuilt after a loss, a user whose sockets are not reported again yet
-- reads as what others were last shown (the rebuild announces any correction).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'lost'}
end
local rebuilding = redis.call('EXISTS', KEYS[2]) == 1
local result = {}
for i = 3, #KEYS, 2 do
  local status = 'offline'
  if redis.call('HLEN', KEYS[i]) > 0 then
    status = redis.call('HGET', KEYS[i + 1], 'status') or 'online'
  elseif rebuilding then
    status = redis.call('HGET', KEYS[i + 1], 'shown') or 'offline'
  end
  result[#result + 1] = status
  result[#result + 1] = redis.call('HGET', KEYS[i + 1], 'lastSeen') or ''
end
return result
