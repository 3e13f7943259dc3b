package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.policy.NanoClock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The series of one instrument, by name. A name that recorded nothing for the retention time is dropped at a
 * collection, so that the names of a policy a reload removed, or of a class whose loader is gone, are neither
 * reported nor kept. A caller that looked the series up just before it was dropped may still record into it;
 * the next collection moves what it recorded since its last export into the name's new series, so nothing is
 * lost unless that caller stalls between its look-up and its write for a whole collection interval.
 */
public final class SeriesMap<S extends Series> {
    private final ConcurrentHashMap<String, S> byName = new ConcurrentHashMap<>();
    private final Function<String, S> create;
    private final NanoClock clock;
    private final long retentionNanos;
    /** Dropped at the previous collection; guarded by this. */
    private final List<S> retired = new ArrayList<>();

    public SeriesMap(Function<String, S> create, NanoClock clock, long retentionNanos) {
        this.create = create;
        this.clock = clock;
        this.retentionNanos = retentionNanos;
    }

    /** The series of {@code name}, created at its first record. */
    public S get(String name) {
        S series = byName.get(name);
        return series != null ? series : byName.computeIfAbsent(name, create);
    }

    /** Visits every series that is kept, after dropping the idle ones; one collection at a time. */
    public synchronized void collect(Consumer<? super S> visitor) {
        long now = clock.nanoTime();
        for (S gone : retired) {
            if (gone.hasUnexported()) {
                get(gone.name()).absorb(gone);
            }
        }
        retired.clear();
        for (Iterator<S> it = byName.values().iterator(); it.hasNext(); ) {
            S series = it.next();
            if (series.idleFor(retentionNanos, now)) {
                it.remove();
                retired.add(series);
            } else {
                visitor.accept(series);
            }
        }
    }

    int size() {
        return byName.size();
    }
}
