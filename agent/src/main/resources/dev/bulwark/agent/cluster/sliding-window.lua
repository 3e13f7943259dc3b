-- Exact sliding log: the state one list, the times (µs of Redis's clock) of the last `permits` grants, oldest
-- first. Grant n proceeds no earlier than grant n - permits plus one period, nor before grant n - 1. KEYS[1] the
-- limiter; ARGV: period (µs), permits, maximum wait (µs). Returns the wait (µs, >= 0) of a granted permit, or
-- minus the wait a refused caller would need.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local period = tonumber(ARGV[1])
local permits = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
-- LINDEX answers false past either end: no latest grant in an empty log, no grant permits back in a short one.
local at = now
local latest = redis.call('LINDEX', KEYS[1], -1)
if latest then
  latest = tonumber(latest)
  if latest > at then
    at = latest
  end
  local leaving = redis.call('LINDEX', KEYS[1], -permits)
  if leaving then
    leaving = tonumber(leaving) + period
    if leaving > at then
      at = leaving
    end
  end
end
local wait = at - now
if wait > maxwait then
  return -wait
end
if redis.call('RPUSH', KEYS[1], string.format('%d', at)) > permits then
  redis.call('LTRIM', KEYS[1], -permits, -1)
end
-- A period after the latest grant no grant in the log counts any more: the key may go then.
redis.call('PEXPIRE', KEYS[1], math.ceil((at + period - now) / 1000) + 1)
return wait
