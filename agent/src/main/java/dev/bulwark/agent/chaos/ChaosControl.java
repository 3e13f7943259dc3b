package dev.bulwark.agent.chaos;

import dev.bulwark.agent.config.ChaosExperiment;
import dev.bulwark.agent.config.ChaosSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's fault injection as a whole: the switch every site with an experiment reads (its one volatile read
 * per call), the experiments in force, and how often each injected. The switch follows {@code chaos.enabled} at
 * start and at every reload; {@link #off} turns it off until the next reload.
 */
public final class ChaosControl {
    private volatile boolean on = true;
    private volatile ChaosSettings settings = ChaosSettings.NONE;
    /** By experiment: latencies and faults injected, kept across reloads that keep the experiment. */
    private final Map<String, Injections> injections = new ConcurrentHashMap<>();

    /** The settings of a config just put in force: its experiments, and its {@code enabled} as the switch. */
    public void apply(ChaosSettings next) {
        settings = next;
        on = next.enabled();
    }

    /** Stops every injection at once, until a reload puts a config in force again. */
    public void off() {
        on = false;
    }

    public boolean on() {
        return on;
    }

    public ChaosSettings settings() {
        return settings;
    }

    /** The injection of one site, by the experiments that match its method; null for none. */
    public SiteChaos site(String siteName, List<ChaosExperiment> experiments) {
        if (experiments.isEmpty()) {
            return null;
        }
        Injections[] counts = new Injections[experiments.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = injections.computeIfAbsent(experiments.get(i).describe(), key -> new Injections());
        }
        return new SiteChaos(this, siteName, experiments, counts, experiments.get(0).seed());
    }

    /** Every experiment in force with what it injected so far, for the admin endpoint. */
    public List<Map<String, Object>> view() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (ChaosExperiment experiment : settings.experiments()) {
            Injections counts = injections.get(experiment.describe());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("experiment", experiment.describe());
            one.put("when", experiment.when() == null ? null : experiment.when().text());
            one.put("latencyRate", experiment.latencyRate());
            one.put("delayMillis", experiment.delayNanos() / 1_000_000L);
            one.put("faultRate", experiment.faultRate());
            one.put("exception", experiment.exception());
            one.put("latenciesInjected", counts == null ? 0L : counts.latencies.sum());
            one.put("faultsInjected", counts == null ? 0L : counts.faults.sum());
            all.add(one);
        }
        return all;
    }

    static final class Injections {
        final LongAdder latencies = new LongAdder();
        final LongAdder faults = new LongAdder();
    }
}
