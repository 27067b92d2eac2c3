-- KEYS: registry marker, rebuilding marker
-- ARGV: the marker this instance knows, a fresh marker, node TTL ms
-- The marker is written once when the registry starts; a Redis that restarted without its data
-- (or was flushed) has none. The first to notice writes a fresh one and opens the rebuild window
-- (for one node TTL every live gateway reports its sockets again). Answers {lost, marker}:
-- lost when the registry is not the one this instance knew.
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[2])
  if ARGV[1] ~= '' then
    redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  end
  return {ARGV[1] ~= '' and 1 or 0, ARGV[2]}
end
if current ~= ARGV[1] then
  return {ARGV[1] ~= '' and 1 or 0, current}
end
return {0, current}
