-- Fixed windows aligned to Redis's clock: the state one hash, the index of the window holding the latest grants
-- (w, which a caller allowed to wait may move ahead of now) and how many it holds (c). KEYS[1] the limiter; ARGV:
-- period (µs), permits, maximum wait (µs). Returns the wait (µs, >= 0) of a granted permit, or minus the wait a
-- refused caller would need.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local period = tonumber(ARGV[1])
local permits = tonumber(ARGV[2])
local maxwait = tonumber(ARGV[3])
local current = math.floor(now / period)
local state = redis.call('HMGET', KEYS[1], 'w', 'c')
local window = tonumber(state[1])
local count = tonumber(state[2])
-- The key's expiry is the end of its window: set when the window changes, it stands for every later grant in it.
local moved = false
if window == nil or window < current then
  window = current
  count = 0
  moved = true
end
if count >= permits then
  window = window + 1
  count = 0
  moved = true
end
local wait = 0
if window > current then
  wait = window * period - now
end
if wait > maxwait then
  return -wait
end
if moved then
  redis.call('HSET', KEYS[1], 'w', string.format('%d', window), 'c', '1')
  -- After its window the state counts for nothing: the key may go then.
  redis.call('PEXPIRE', KEYS[1], math.ceil(((window + 1) * period - now) / 1000) + 1)
else
  redis.call('HINCRBY', KEYS[1], 'c', 1)
end
return wait
