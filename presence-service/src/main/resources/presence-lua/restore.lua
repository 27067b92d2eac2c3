-- After the registry lost its data: what an instance remembers of users, written back.
-- KEYS: for each user, its sessions then its user hash
-- ARGV: for each user, the chosen status ('' when not remembered), when it was chosen, the
--       status shown to others ('' when not remembered)
-- A chosen status is written only over an older one (several instances may remember the same
-- user); a shown status only where none is known yet. A user whose sockets were reported again
-- meanwhile and is shown otherwise than chosen is shown the chosen one (changed).
-- Answers, per user, {changed, status, lastSeen}.
local result = {}
for i = 1, #KEYS / 2 do
  local sessions, user = KEYS[2 * i - 1], KEYS[2 * i]
  local chosen, chosenAt, shown = ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
  if chosen ~= '' and tonumber(redis.call('HGET', user, 'statusAt') or '-1') < tonumber(chosenAt) then
    redis.call('HSET', user, 'status', chosen, 'statusAt', chosenAt)
  end
  if shown ~= '' then
    redis.call('HSETNX', user, 'shown', shown)
  end
  local status = redis.call('HGET', user, 'status') or 'online'
  local lastSeen = redis.call('HGET', user, 'lastSeen') or ''
  local changed = 0
  if redis.call('HLEN', sessions) > 0 then
    if redis.call('HGET', user, 'shown') ~= status then
      redis.call('HSET', user, 'shown', status)
      changed = 1
    end
  else
    status = 'offline'
  end
  result[#result + 1] = {changed, status, lastSeen}
end
return result
