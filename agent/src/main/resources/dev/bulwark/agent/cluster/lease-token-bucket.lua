-- Batch mode: up to ARGV[3] permits of the GCRA bucket of token-bucket.lua at once (same key, state and first two
-- arguments, so that JVMs in either mode share one bucket). Returns {permits granted, µs the lease may be used:
-- one period, 0}, or when none is free {0, µs until one is, 0}.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local free = math.floor((now + tolerance - tat) / interval) + 1
if free < 1 then
  return {0, tat - now - tolerance, 0}
end
local wanted = tonumber(ARGV[3])
if free > wanted then
  free = wanted
end
tat = tat + free * interval
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
return {free, tolerance + interval, 0}
