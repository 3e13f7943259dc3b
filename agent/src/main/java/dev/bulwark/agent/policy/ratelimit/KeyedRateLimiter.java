package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.agent.policy.KeyRoom;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One limiter per key value, created on first use, at most {@code spec.maxKeys()} retained.
 *
 * <p>Memory: a new key takes room only while fewer than {@code maxKeys} limiters are retained. Once half the
 * room is used, arriving new keys trigger a sweep (at most one started per quarter period, at
 * least a millisecond apart) that drops every idle limiter, one back at full capacity and so indistinguishable
 * from a fresh one. A new key that still finds no room is rejected: serving it from some shared or reset limiter
 * could grant that key more than its rate, and a limiter promises its bound more firmly than availability.
 *
 * <p>Two races are closed. A caller may still hold a limiter the sweep drops; dropping retires the limiter in the
 * same atomic step its grants use, and a retired limiter sends the caller back to the map (see {@link Retirable}).
 * A caller may also bring a clock reading older than the sweep's: the sweep found the limiter idle at its own
 * time, not at that earlier one, so a limiter created after a sweep grants nothing before that sweep's time; a
 * caller with an older reading waits the difference too, or is rejected when that exceeds its maximum wait.
 * Limiters that survived the sweep judge old readings themselves, as any limiter does.
 */
public final class KeyedRateLimiter implements KeyedLimiter {
    private static final Object NULL_KEY = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final long NONE = Long.MIN_VALUE;
    private static final long MIN_SWEEP_INTERVAL_NANOS = 1_000_000L;

    private final RateLimiterSpec spec;
    private final KeyRoom room;
    private final ConcurrentHashMap<Object, KeyLimiter> limiters = new ConcurrentHashMap<>();
    /** The latest time a sweep found limiters idle at; limiters created since must not grant before it. */
    private final AtomicLong retiredUpTo = new AtomicLong(NONE);

    public KeyedRateLimiter(RateLimiterSpec spec) {
        if (spec.maxKeys() < 1) {
            throw new IllegalArgumentException(
                    "rate limiter '" + spec.name() + "': maxKeys must be at least 1, was " + spec.maxKeys());
        }
        RateLimiters.validate(spec);
        this.spec = spec;
        this.room = new KeyRoom(spec.maxKeys(), Math.max(spec.periodNanos() / 4, MIN_SWEEP_INTERVAL_NANOS));
    }

    @Override
    public long reserve(Object key, long nowNanos, long maxWaitNanos) {
        Object mapKey = key == null ? NULL_KEY : key;
        for (;;) {
            KeyLimiter entry = limiters.get(mapKey);
            if (entry == null) {
                entry = admit(mapKey, nowNanos);
                if (entry == null) {
                    return RateLimiter.REJECTED;
                }
            }
            long result = entry.reserve(nowNanos, maxWaitNanos);
            if (result != Retirable.RETIRED) {
                return result;
            }
            if (limiters.remove(mapKey, entry)) {
                room.release();
            }
        }
    }

    /** Limiters retained now; at most {@code spec.maxKeys()}. */
    public int retainedKeys() {
        return limiters.size();
    }

    /**
     * Room is taken and the limiter's bound read under the map's lock for this key. So callers racing to admit one
     * key hold no room while they wait for each other, and the bound covers every predecessor, even one another
     * caller created and a sweep retired after this caller's miss: it was retired before it left the map.
     */
    private KeyLimiter admit(Object key, long nowNanos) {
        if (room.halfTaken() && room.claimSweep(nowNanos)) {
            sweep(nowNanos);
        }
        return limiters.computeIfAbsent(key,
                k -> room.tryTake() ? new KeyLimiter(RateLimiters.createRetirable(spec), retiredUpTo.get()) : null);
    }

    /** Each retirement and removal is atomic on its own, so sweeps may overlap (see {@link KeyRoom#claimSweep}). */
    private void sweep(long nowNanos) {
        retiredUpTo.accumulateAndGet(nowNanos, KeyedRateLimiter::later);
        limiters.forEach((key, entry) -> {
            if (entry.limiter.tryRetire(nowNanos) && limiters.remove(key, entry)) {
                room.release();
            }
        });
    }

    private static long later(long a, long b) {
        return a == NONE || b - a > 0 ? b : a;
    }

    /** A key's limiter and the earliest time it may grant: the sweep that may have retired its predecessor. */
    private static final class KeyLimiter {
        private final Retirable limiter;
        private final long notBefore;

        KeyLimiter(Retirable limiter, long notBefore) {
            this.limiter = limiter;
            this.notBefore = notBefore;
        }

        long reserve(long nowNanos, long maxWaitNanos) {
            long lag = notBefore == NONE ? 0 : notBefore - nowNanos;
            if (lag <= 0) {
                return limiter.reserve(nowNanos, maxWaitNanos);
            }
            if (lag > maxWaitNanos) {
                return RateLimiter.rejectedFor(lag);
            }
            long wait = limiter.reserve(notBefore, maxWaitNanos - lag);
            if (wait == Retirable.RETIRED) {
                return wait;
            }
            return wait < 0 ? RateLimiter.rejectedFor(RateLimiter.retryAfterNanos(wait) + lag) : wait + lag;
        }
    }
}
