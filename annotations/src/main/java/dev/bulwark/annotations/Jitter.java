package dev.bulwark.annotations;

/** How a retry delay is randomised so that callers do not retry in lock-step. */
public enum Jitter {
    NONE, FULL, EQUAL, DECORRELATED
}
