package dev.bulwark.annotations;

/** How a circuit breaker's window is measured: in calls or in seconds. */
public enum WindowType {
    COUNT, TIME
}
