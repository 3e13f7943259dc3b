-- Batch mode: up to ARGV[3] permits of the current window of fixed-window.lua at once (same key, state and first
-- two arguments). Returns {permits granted, µs until the window ends, the window's index}, or when none is free
-- {0, µs until the window that has room begins, the current window's index}. A lease is only good in its window.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local period = tonumber(ARGV[1])
local permits = tonumber(ARGV[2])
local current = math.floor(now / period)
local state = redis.call('HMGET', KEYS[1], 'w', 'c')
local window = tonumber(state[1])
local count = tonumber(state[2])
if window == nil or window < current then
  window = current
  count = 0
end
-- A caller allowed to wait may have taken permits of a later window: this one is full then.
if window > current or count >= permits then
  if count >= permits then
    window = window + 1
  end
  return {0, window * period - now, current}
end
local granted = permits - count
local wanted = tonumber(ARGV[3])
if granted > wanted then
  granted = wanted
end
local ends = (window + 1) * period - now
redis.call('HSET', KEYS[1], 'w', string.format('%d', window), 'c', string.format('%d', count + granted))
redis.call('PEXPIRE', KEYS[1], math.ceil(ends / 1000) + 1)
return {granted, ends, window}
