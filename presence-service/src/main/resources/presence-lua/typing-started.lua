-- KEYS: typing hash of the user
-- ARGV: roomId, now, throttle ms, timeout ms, sessionId
-- Entries are "<deadline>:<lastForwarded>:<sessionId>".
local now = tonumber(ARGV[2])
local before = redis.call('HGET', KEYS[1], ARGV[1])
local forwarded = 0
if before then
  forwarded = tonumber(string.match(before, '^%d+:(%d+):'))
end
local forward = (not before) or (now - forwarded >= tonumber(ARGV[3]))
if forward then
  forwarded = now
end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d:%s', now + tonumber(ARGV[4]), forwarded, ARGV[5]))
-- The hash outlives no typer by much, even if no expiry check ever runs.
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[4]))
if forward then
  return 1
end
return 0
