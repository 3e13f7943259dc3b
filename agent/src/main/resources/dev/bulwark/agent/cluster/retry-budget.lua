-- A retry budget counted per second of Redis's clock, one key per second and kind, each expiring once out of the
-- window. KEYS[1] the budget; ARGV: first attempts to deposit, ratio, min-per-second, window (whole seconds), and
-- 1 to decide a retry or 0 to deposit only. Returns 1 when the retry is allowed (and withdrawn), else 0.
local t = redis.call('TIME')
local now = tonumber(t[1])
local deposits = tonumber(ARGV[1])
local window = tonumber(ARGV[4])
if deposits > 0 then
  local key = KEYS[1] .. ':d:' .. now
  redis.call('INCRBY', key, deposits)
  redis.call('EXPIRE', key, window + 1)
end
if ARGV[5] ~= '1' then
  return 1
end
local firsts = 0
local earlier = 0
for second = now - window + 1, now do
  firsts = firsts + (tonumber(redis.call('GET', KEYS[1] .. ':d:' .. second)) or 0)
  if second < now then
    earlier = earlier + (tonumber(redis.call('GET', KEYS[1] .. ':r:' .. second)) or 0)
  end
end
local retries = KEYS[1] .. ':r:' .. now
local thisSecond = tonumber(redis.call('GET', retries)) or 0
if thisSecond >= tonumber(ARGV[3]) and tonumber(ARGV[2]) * firsts - earlier - thisSecond < 1 then
  return 0
end
redis.call('INCR', retries)
redis.call('EXPIRE', retries, window + 1)
return 1
