-- KEYS: the rebuilding marker, then for each user its sessions then its user hash
-- Answers, per user: status shown to others now, lastSeen ('' when never seen)
-- While the registry is rebuilt after a loss, a user whose sockets are not reported again yet
-- reads as what others were last shown (the rebuild announces any correction).
local rebuilding = redis.call('EXISTS', KEYS[1]) == 1
local result = {}
for i = 2, #KEYS, 2 do
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
