-- Batch mode: up to ARGV[3] permits of the sliding log of sliding-window.lua at once (same key, state and first two
-- arguments), each logged at now. Returns {permits granted, µs the lease may be used: one period, 0}, or when none
-- is free {0, µs until one is, 0}.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local period = tonumber(ARGV[1])
local permits = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local length = redis.call('LLEN', KEYS[1])
if length > 0 then
  local latest = tonumber(redis.call('LINDEX', KEYS[1], -1))
  -- A caller allowed to wait holds a grant ahead of now: later grants come after it.
  if latest > now then
    return {0, latest - now, 0}
  end
end
-- Grant n needs grant n - permits a period old: free slots of a short log first, then the oldest grants in turn.
local granted = 0
local first = length - permits
if first < 0 then
  granted = math.min(-first, wanted)
  first = 0
end
if granted < wanted and length > 0 then
  local oldest = redis.call('LRANGE', KEYS[1], first, first + wanted - granted - 1)
  local before = now - period
  for i = 1, #oldest do
    if tonumber(oldest[i]) > before then
      break
    end
    granted = granted + 1
  end
end
if granted < 1 then
  return {0, tonumber(redis.call('LINDEX', KEYS[1], first)) + period - now, 0}
end
local at = string.format('%d', now)
local times = {}
for i = 1, granted do
  times[i] = at
end
redis.call('RPUSH', KEYS[1], unpack(times))
redis.call('LTRIM', KEYS[1], -permits, -1)
redis.call('PEXPIRE', KEYS[1], math.ceil(period / 1000) + 1)
return {granted, period, 0}
