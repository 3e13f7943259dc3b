package dev.bulwark.agent.config;

import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/** {@code bulwark.chaos}: whether injection is on, the seed of its draws if one is set, and the experiments. */
public final class ChaosSettings {
    public static final ChaosSettings NONE = new ChaosSettings(true, OptionalLong.empty(), Collections.emptyList());

    private final boolean enabled;
    private final OptionalLong seed;
    private final List<ChaosExperiment> experiments;

    ChaosSettings(boolean enabled, OptionalLong seed, List<ChaosExperiment> experiments) {
        this.enabled = enabled;
        this.seed = seed;
        this.experiments = Collections.unmodifiableList(experiments);
    }

    /** The kill switch: false stops every injection, while the experiments' methods stay woven. */
    public boolean enabled() {
        return enabled;
    }

    /** The seed of every draw, so that a run injects into the same calls again; empty for unseeded draws. */
    public OptionalLong seed() {
        return seed;
    }

    public List<ChaosExperiment> experiments() {
        return experiments;
    }
}
