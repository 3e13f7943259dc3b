package dev.bulwark.agent.policy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One policy per key value (a keyed circuit breaker or bulkhead), created on first use, at most {@code maxKeys}
 * retained, like the keyed rate limiter.
 *
 * <p>Memory: a new key takes room only while fewer than {@code maxKeys} policies are retained. Once half the room
 * is used, arriving new keys trigger a sweep, at most one per sweep interval. A sweep gives every policy used since
 * the previous sweep a second chance, and evicts the others that its retirement test lets go (a breaker that is
 * closed, a bulkhead with no call inside): a policy is evicted only after it went unused for a whole interval,
 * and only while keys press for room. A new key that still finds no room gets no policy ({@link #get} returns
 * null); what that means is the caller's (a breaker lets the call through unguarded, a bulkhead rejects it).
 *
 * <p>The retirement test runs in the sweep, on the sweep's thread; a policy that must not be used after it left
 * the map (a bulkhead: a caller still holding it would widen the key's limit) retires in the same atomic step its
 * admissions use, and a caller that finds it retired asks {@link #get} again.
 */
public final class KeyedPolicies<P> {
    private static final Object NULL_KEY = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private final KeyRoom room;
    private final NanoClock clock;
    private final Function<Object, P> create;
    private final Predicate<P> tryRetire;
    private final BiConsumer<Object, P> evicted;
    private final ConcurrentHashMap<Object, Entry<P>> entries = new ConcurrentHashMap<>();

    /**
     * @param create    makes the policy of a key (passed as the caller gave it; "null" for null)
     * @param tryRetire whether an unused policy may be evicted, retiring it if it must be
     * @param evicted   told of each policy evicted, after it left the map
     */
    public KeyedPolicies(int maxKeys, long sweepIntervalNanos, NanoClock clock, Function<Object, P> create,
                         Predicate<P> tryRetire, BiConsumer<Object, P> evicted) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
        this.room = new KeyRoom(maxKeys, sweepIntervalNanos);
        this.clock = clock;
        this.create = create;
        this.tryRetire = tryRetire;
        this.evicted = evicted;
    }

    /** The policy of {@code key} ({@code null} is a key too), or null when there is no room for a new one. */
    public P get(Object key) {
        Object mapKey = key == null ? NULL_KEY : key;
        Entry<P> entry = entries.get(mapKey);
        if (entry == null) {
            entry = admit(mapKey);
            if (entry == null) {
                return null;
            }
        }
        // Read before written: a policy used all the time costs no store per call once marked.
        if (!entry.used) {
            entry.used = true;
        }
        return entry.policy;
    }

    /** Policies retained now; at most {@code maxKeys}. */
    public int size() {
        return entries.size();
    }

    /** Visits every policy retained now, with its key. */
    public void forEach(BiConsumer<Object, P> visitor) {
        entries.forEach((key, entry) -> visitor.accept(key, entry.policy));
    }

    private Entry<P> admit(Object key) {
        if (room.halfTaken() && room.claimSweep(clock.nanoTime())) {
            sweep();
        }
        return entries.computeIfAbsent(key, k -> room.tryTake() ? new Entry<>(create.apply(k)) : null);
    }

    private void sweep() {
        entries.forEach((key, entry) -> {
            if (entry.used) {
                entry.used = false;
            } else if (tryRetire.test(entry.policy) && entries.remove(key, entry)) {
                room.release();
                evicted.accept(key, entry.policy);
            }
        });
    }

    private static final class Entry<P> {
        final P policy;
        /** Whether the policy was used since the last sweep; written at most once per sweep, read per call. */
        volatile boolean used;

        Entry(P policy) {
            this.policy = policy;
            this.used = true;
        }
    }
}
