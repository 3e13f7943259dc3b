package dev.bulwark.agent.policy.adaptive;

/** The {@code limit-algorithm} of an adaptive bulkhead. */
public enum LimitAlgorithmName {
    GRADIENT2, VEGAS, AIMD
}
