-- KEYS: sessions of the user, user hash, sessions of the node, typing hash of the user
-- ARGV: sessionId, "<userId> <sessionId>", now
local known = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2])
local left = redis.call('HLEN', KEYS[1])
if known == 1 and left == 0 then
  redis.call('HSET', KEYS[2], 'lastSeen', ARGV[3])
end
-- Typing entries are "<deadline>:<lastForwarded>:<sessionId>"; clear this session's.
local rooms = {}
local suffix = ':' .. ARGV[1]
local typing = redis.call('HGETALL', KEYS[4])
for i = 1, #typing, 2 do
  local value = typing[i + 1]
  if string.sub(value, -#suffix) == suffix then
    redis.call('HDEL', KEYS[4], typing[i])
    rooms[#rooms + 1] = typing[i]
  end
end
return {known, left, rooms}
