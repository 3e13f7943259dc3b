package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import dev.bulwark.agent.policy.NanoClock;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The series of one instrument, by name in its scope: two deployments' policies of one name have a series each,
 * never one between them. Each is held only weakly: the chains and breakers that record into a
 * series hold it, resolved once when they are built, so that a decision costs no look-up. When the last of them
 * goes (a reload that drops a policy or a breaker), the series goes with a garbage collection, and the name is
 * neither reported nor kept any more. A reload that keeps a name resolves the same series while the chains it
 * replaces still hold it, so the name's counts go on. A site's chain goes only once its class loader is collected
 * and a later weaving or reload frees it, so in the meantime a series that recorded nothing for the retention time
 * is also left out of the export (not dropped: if it records again, it is reported again, its counts having gone
 * on).
 */
public final class SeriesMap<S extends Series> {
    private final ConcurrentHashMap<PolicyName, WeakReference<S>> byName = new ConcurrentHashMap<>();
    private final Function<PolicyName, S> create;
    private final NanoClock clock;
    private final long retentionNanos;

    public SeriesMap(Function<PolicyName, S> create, NanoClock clock, long retentionNanos) {
        this.create = create;
        this.clock = clock;
        this.retentionNanos = retentionNanos;
    }

    /** The series of {@code name}, created if no one holds it now; not on the call path. */
    public S resolve(PolicyName name) {
        for (; ; ) {
            WeakReference<S> held = byName.get(name);
            S series = held == null ? null : held.get();
            if (series != null) {
                return series;
            }
            S created = create.apply(name);
            WeakReference<S> fresh = new WeakReference<>(created);
            if (held == null ? byName.putIfAbsent(name, fresh) == null : byName.replace(name, held, fresh)) {
                return created;
            }
        }
    }

    /**
     * Visits every series someone still holds and that recorded within the retention time, and forgets those
     * no one holds; one collection at a time.
     */
    public synchronized void collect(Consumer<? super S> visitor) {
        long now = clock.nanoTime();
        for (Map.Entry<PolicyName, WeakReference<S>> entry : byName.entrySet()) {
            S series = entry.getValue().get();
            if (series == null) {
                // Only that cleared reference: a chain built meanwhile may have put a new series there.
                byName.remove(entry.getKey(), entry.getValue());
            } else if (!series.idleFor(retentionNanos, now)) {
                visitor.accept(series);
            }
        }
    }
}
