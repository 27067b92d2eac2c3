-- KEYS: the bucket (a hash: tokens, ts)
-- ARGV: burst, tokens per second, cost (0 only looks)
-- Answers {allowed (1/0), retry after ms}. Time is Redis's own, so gateway clocks do not matter.
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local needed = math.max(cost, 1)
local allowed = 0
local retry = 0
if tokens >= needed then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((needed - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
-- A bucket that would be full again is worth nothing: let Redis drop it then.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {allowed, retry}
