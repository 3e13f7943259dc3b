package dev.bulwark.agent.bootstrap;

/**
 * One protected invocation as the woven code sees it. The runtime reuses these per thread, so a woven call
 * allocates nothing; the advice reads the two flags directly instead of paying for a call.
 */
public abstract class Invocation {
    /** The body must not run for the current attempt: a policy rejected it. */
    public boolean skipBody;
    /** The site needs the arguments (a keyed rate limiter) before it can admit the first attempt. */
    public boolean wantsArguments;
    /** The method returns a CompletionStage: the runtime runs the whole invocation, the body is skipped. */
    public boolean asynchronous;
    /**
     * Shared by every invocation of its site that nothing watches and that holds no per-call state until it
     * fails; the advice then asks {@link BulwarkBridge#endStateless} for the invocation that takes it on.
     */
    public boolean stateless;
    /** A check judges what an attempt returns: the woven code hands the result to {@link BulwarkBridge#exitResult}. */
    public boolean judgesResult;
    /** Name of the policy that rejected the call, for the exception the advice creates. */
    public String rejectingPolicy;
    /**
     * For a rejection by a rate limiter or a breaker: nanoseconds until a permit would be granted or a trial let
     * through, the {@code retryAfter()} of the exception the advice creates; 0 when not known.
     */
    public long rejectionRetryAfterNanos;
}
