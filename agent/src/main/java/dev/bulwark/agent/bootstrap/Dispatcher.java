package dev.bulwark.agent.bootstrap;

/** What the woven code calls, implemented by the agent's runtime in its own class loader. */
public abstract class Dispatcher {
    /** Starts a protected invocation of the given call site; null runs the method unprotected. */
    public abstract Invocation enter(int site);

    /** Admits the first attempt of a site that needed its arguments; sets {@link Invocation#skipBody}. */
    public abstract void admit(Invocation invocation, Object[] arguments);

    /**
     * Ends the only attempt of a {@link Invocation#stateless} invocation: null when that is the whole of it,
     * otherwise the stateful invocation whose first attempt ended with {@code thrown}, to go on with.
     */
    public abstract Invocation endStateless(Invocation invocation, Throwable thrown);

    /**
     * {@link #endStateless} for an attempt that returned {@code result}, of a site that {@link Invocation#judgesResult}:
     * null when the result is no failure, otherwise the stateful invocation to go on with.
     */
    public Invocation endStatelessResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        return endStateless(invocation, null);
    }

    /** Decides what follows an attempt: one of the verdicts of {@link BulwarkBridge}. */
    public abstract int exit(Invocation invocation, Throwable thrown);

    /**
     * Decides what follows an attempt that returned {@code result} (or was rejected), judging the result by the
     * site's checks; a method reference among them is resolved from {@code declaringType} and called on
     * {@code self}. A runtime without result checks decides as for any attempt that returned.
     */
    public int exitResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        return exit(invocation, null);
    }

    /**
     * Runs the site's fallback method for the failure and ends the invocation. An exception of the fallback
     * method goes out wrapped in {@link FallbackThrew}; anything else thrown counts as Bulwark's own failure,
     * and the caller then gets {@code failure}.
     */
    public abstract Object fallback(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments,
                                    Throwable failure) throws Throwable;

    /**
     * Runs an asynchronous invocation without blocking the caller and returns the stage its caller gets;
     * null when it cannot, and the woven code then runs the body unprotected.
     */
    public abstract Object async(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments);

    /** Ends an invocation whose failure goes to the caller. */
    public abstract void finish(Invocation invocation);

    /** Reports a failure of Bulwark's own code; the call it happened in goes on unprotected. */
    public abstract void internalError(Invocation invocation, Throwable error);
}
