package dev.bulwark.agent.chaos;

import dev.bulwark.agent.config.ChaosExperiment;
import dev.bulwark.agent.policy.expression.Condition;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The experiments that match one call site, and the draws that decide, call by call, whether each injects.
 * Experiments apply together: their delays add up, and the first fault drawn is the one thrown.
 *
 * <p>Which experiments apply to an invocation is decided once, from its arguments, as a bit mask (the first
 * {@link #MAX_EXPERIMENTS} experiments of a site take part); each attempt then draws anew.
 */
public final class SiteChaos {
    /** As many experiments as the mask of an invocation has bits. */
    public static final int MAX_EXPERIMENTS = 31;
    /** Every experiment applies. */
    public static final int ALL = -1;

    private final ChaosControl control;
    private final String siteName;
    private final ChaosExperiment[] experiments;
    private final ChaosControl.Injections[] counts;
    /** Shared by every thread when seeded, so that a run draws the same sequence; null for unseeded draws. */
    private final Random seeded;
    private final boolean conditional;

    SiteChaos(ChaosControl control, String siteName, List<ChaosExperiment> experiments,
              ChaosControl.Injections[] counts, OptionalLong seed) {
        this.control = control;
        this.siteName = siteName;
        int taken = Math.min(experiments.size(), MAX_EXPERIMENTS);
        if (taken < experiments.size()) {
            BulwarkLog.warn("chaos: " + experiments.size() + " experiments match " + siteName + "; only the first "
                    + MAX_EXPERIMENTS + " take part");
        }
        this.experiments = experiments.subList(0, taken).toArray(new ChaosExperiment[0]);
        this.counts = counts;
        this.seeded = seed.isPresent() ? new Random(seed.getAsLong() ^ siteName.hashCode()) : null;
        boolean anyCondition = false;
        for (ChaosExperiment experiment : this.experiments) {
            anyCondition |= experiment.when() != null;
        }
        this.conditional = anyCondition;
    }

    /** Whether deciding which experiments apply needs the invocation's arguments (some have a {@code when}). */
    public boolean wantsArguments() {
        return conditional;
    }

    /**
     * The experiments whose {@code when} holds for these arguments, as a mask. A condition that cannot be
     * evaluated (a getter missing on the argument's class, or throwing) is reported once and counts as false.
     */
    public int applying(Object[] arguments) {
        int mask = 0;
        for (int i = 0; i < experiments.length; i++) {
            Condition when = experiments[i].when();
            if (when == null || holds(when, arguments, experiments[i])) {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    private boolean holds(Condition when, Object[] arguments, ChaosExperiment experiment) {
        try {
            return when.test(null, arguments);
        } catch (RuntimeException e) {
            BulwarkLog.warnOnce("chaos when " + experiment.describe() + " " + siteName, "chaos: the when of "
                    + experiment.describe() + " cannot be evaluated on " + siteName + " (" + e.getMessage()
                    + "); it does not apply there");
            return false;
        }
    }

    /** The kill switch: one volatile read, the only cost of a site with experiments while injection is off. */
    public boolean on() {
        return control.on();
    }

    /** The delay to inject into this attempt, the sum of those drawn by the experiments in {@code mask}; 0 for none. */
    public long drawDelay(int mask) {
        long delay = 0;
        for (int i = 0; i < experiments.length; i++) {
            ChaosExperiment experiment = experiments[i];
            if ((mask & (1 << i)) != 0 && experiment.latencyRate() > 0 && draw() < experiment.latencyRate()) {
                counts[i].latencies.increment();
                delay += experiment.delayNanos();
            }
        }
        return delay;
    }

    /** The fault to inject into this attempt instead of running it, or null. */
    public Throwable drawFault(int mask) {
        for (int i = 0; i < experiments.length; i++) {
            ChaosExperiment experiment = experiments[i];
            if ((mask & (1 << i)) != 0 && experiment.faultRate() > 0 && draw() < experiment.faultRate()) {
                counts[i].faults.increment();
                return experiment.newFault();
            }
        }
        return null;
    }

    private double draw() {
        return seeded != null ? seeded.nextDouble() : ThreadLocalRandom.current().nextDouble();
    }

    @Override
    public String toString() {
        return siteName + " chaos " + java.util.Arrays.toString(experiments);
    }
}
