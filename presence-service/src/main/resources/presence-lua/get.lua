-- KEYS: for each user, its sessions then its user hash
-- Answers, per user: status shown to others now, lastSeen ('' when never seen)
local result = {}
for i = 1, #KEYS, 2 do
  local status = 'offline'
  if redis.call('HLEN', KEYS[i]) > 0 then
    status = redis.call('HGET', KEYS[i + 1], 'status') or 'online'
  end
  result[#result + 1] = status
  result[#result + 1] = redis.call('HGET', KEYS[i + 1], 'lastSeen') or ''
end
return result
