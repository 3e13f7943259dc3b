package dev.bulwark.agent.bootstrap;

/**
 * Thrown by {@link Dispatcher#fallback} when the application's fallback method itself threw, carrying that
 * exception: the bridge passes it on to the caller unchanged, while anything else the dispatcher throws is a
 * failure of Bulwark's own code, which must never reach the caller.
 */
public final class FallbackThrew extends Exception {
    private static final long serialVersionUID = 1L;

    public FallbackThrew(Throwable thrownByFallbackMethod) {
        // Only a carrier between the dispatcher and the bridge: its own stack trace would never be seen.
        super(null, thrownByFallbackMethod, false, false);
    }
}
