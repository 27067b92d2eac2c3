-- KEYS: typing hash of the user; ARGV: roomId, now
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value and tonumber(string.match(value, '^(%d+):')) <= tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
