package dev.bulwark.agent.bootstrap;

/**
 * The static entry points woven code calls. Loaded by the bootstrap class loader, so every application
 * class loader resolves the same class; it holds nothing but a reference to the runtime behind it.
 *
 * <p>Every entry point contains failures of Bulwark's own code: the woven method then runs as written.
 */
public final class BulwarkBridge {
    /** Verdict: the attempt's own outcome goes to the caller. */
    public static final int PROCEED = 0;
    /** Verdict: run the body again. */
    public static final int REPEAT = 1;
    /** Verdict: throw the failure (the body's exception, or the rejection named by the kind bits). */
    public static final int THROW = 2;
    /** Verdict: call the fallback method with the failure. */
    public static final int FALLBACK = 3;
    public static final int ACTION_MASK = 3;

    /** Kind bits of a verdict whose failure is a rejection the advice must create. */
    public static final int CIRCUIT_OPEN = 1 << 2;
    public static final int BULKHEAD_FULL = 2 << 2;
    public static final int RATE_LIMITED = 3 << 2;
    public static final int TIMED_OUT = 4 << 2;
    /** Not a rejection: the last result was judged a failure, and the fallback receives it in an exception. */
    public static final int RESULT_FAILED = 5 << 2;
    public static final int REJECTION_MASK = 7 << 2;

    private static volatile Dispatcher dispatcher;

    private BulwarkBridge() {
    }

    public static void install(Dispatcher runtime) {
        dispatcher = runtime;
    }

    public static Invocation enter(int site) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.enter(site);
        } catch (Throwable t) {
            report(d, null, t);
            return null;
        }
    }

    /** Returns whether the body must be skipped. */
    public static boolean admit(Invocation invocation, Object[] arguments) {
        Dispatcher d = dispatcher;
        try {
            d.admit(invocation, arguments);
            return invocation.skipBody;
        } catch (Throwable t) {
            report(d, invocation, t);
            return false;
        }
    }

    public static Invocation endStateless(Invocation invocation, Throwable thrown) {
        Dispatcher d = dispatcher;
        try {
            return d.endStateless(invocation, thrown);
        } catch (Throwable t) {
            report(d, invocation, t);
            return null;
        }
    }

    public static Invocation endStatelessResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        Dispatcher d = dispatcher;
        try {
            return d.endStatelessResult(invocation, result, declaringType, self);
        } catch (Throwable t) {
            report(d, invocation, t);
            return null;
        }
    }

    public static int exit(Invocation invocation, Throwable thrown) {
        Dispatcher d = dispatcher;
        try {
            return d.exit(invocation, thrown);
        } catch (Throwable t) {
            report(d, invocation, t);
            return PROCEED;
        }
    }

    /** {@link #exit} for an attempt that returned {@code result}, of an invocation that {@link Invocation#judgesResult}. */
    public static int exitResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        Dispatcher d = dispatcher;
        try {
            return d.exitResult(invocation, result, declaringType, self);
        } catch (Throwable t) {
            report(d, invocation, t);
            return PROCEED;
        }
    }

    /**
     * The fallback method's result, or its exception; when Bulwark itself fails on the way, the call ends as it
     * would have without a fallback, with {@code failure}.
     */
    public static Object fallback(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments,
                                  Throwable failure) throws Throwable {
        Dispatcher d = dispatcher;
        try {
            return d.fallback(invocation, declaringType, self, arguments, failure);
        } catch (FallbackThrew applications) {
            throw applications.getCause();
        } catch (Throwable t) {
            // The failure itself, thrown back, is the dispatcher passing it on, not a fault of its own.
            if (t != failure) {
                report(d, invocation, t);
            }
            throw failure;
        }
    }

    public static Object async(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        Dispatcher d = dispatcher;
        try {
            return d.async(invocation, declaringType, self, arguments);
        } catch (Throwable t) {
            report(d, invocation, t);
            return null;
        }
    }

    public static void finish(Invocation invocation) {
        Dispatcher d = dispatcher;
        try {
            d.finish(invocation);
        } catch (Throwable t) {
            report(d, invocation, t);
        }
    }

    private static void report(Dispatcher d, Invocation invocation, Throwable error) {
        try {
            d.internalError(invocation, error);
        } catch (Throwable ignored) {
            // The application's call matters more than our report of our own failure.
        }
    }
}
