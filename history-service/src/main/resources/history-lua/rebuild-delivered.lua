-- Replaces a room's delivered index at once: KEYS[1] the index; ARGV[1] its TTL in ms,
-- ARGV[2] the version entry's member name, then userId, watermark pairs.
redis.call('DEL', KEYS[1])
redis.call('ZADD', KEYS[1], -1, ARGV[2])
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
