package dev.bulwark.annotations;

/** How the delay between retry attempts grows. */
public enum Backoff {
    FIXED, LINEAR, EXPONENTIAL, FIBONACCI
}
