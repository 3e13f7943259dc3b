-- GCRA token bucket, the state one key: the theoretical arrival time (TAT, microseconds of Redis's clock) at which
-- the bucket is full again. KEYS[1] the limiter; ARGV: emission interval, burst tolerance, maximum wait (all µs).
-- Returns the wait (µs, >= 0) of a granted permit, or minus the wait a refused caller would need.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local wait = tat - now - tolerance
if wait < 0 then
  wait = 0
end
if wait > maxwait then
  return -wait
end
local next = tat + interval
-- Once the TAT has passed the bucket is full, exactly like a missing key: the key may go then.
redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.ceil((next - now) / 1000) + 1)
return wait
