package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.ResultFailureException;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.annotations.WindowType;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The circuit breaker (CLOSED, OPEN, HALF_OPEN; docs/annotations.md, and DISABLED by an operator) as a lock-free
 * state machine.
 *
 * <p>The whole state is one {@link AtomicReference} to the current {@link Phase}; a
 * transition is one CAS from the phase a thread saw to a new phase, so exactly one thread wins it and
 * only the winner tells the listener. A CLOSED call costs one volatile read to admit and a few atomic
 * updates of the window to record; nothing is allocated per call (transitions allocate their phase).
 *
 * <p>A permit is the generation of the phase that admitted the call. An outcome counts only if that
 * phase is still current: a call admitted while CLOSED that ends after the breaker opened, or a trial
 * from an earlier HALF_OPEN, is reported to the listener but changes no state.
 *
 * <p>Callers pass exactly one of {@link #onComplete} or {@link #releasePermission} for every permit
 * {@code >= 0}, with {@code nowNanos} read from {@link #nanoTime()} when the call ended.
 */
public final class CircuitBreaker {
    /** Returned by {@link #tryAcquirePermission} when the call must not run. */
    public static final long REJECTED = -1;
    /** Upper bound for {@code windowSize} and {@code halfOpenCalls}. */
    public static final int MAX_WINDOW_SIZE = PackedCounts.MAX_COUNT;
    /** The outcome of a call whose result a {@code recordOnResult} check judged a failure. */
    public static final Class<? extends Throwable> RESULT_FAILURE = ResultFailureException.class;

    private final CircuitBreakerSpec spec;
    private final String name;
    private final NanoClock clock;
    private final CircuitBreakerListener listener;
    private final TripCondition windowTrip;
    private final TripCondition trialTrip;
    private final AtomicReference<Phase> phase;
    private final LongAdder notPermittedCalls = new LongAdder();

    /**
     * A breaker its listener sees as shared JVM-wide.
     *
     * @throws IllegalArgumentException when a spec value is outside its range in docs/configuration.md
     */
    public CircuitBreaker(CircuitBreakerSpec spec, NanoClock clock, CircuitBreakerListener listener) {
        this(spec, clock, listener, null);
    }

    /**
     * @param scope the label of the class loader whose classes alone share this breaker, or null; see
     *              {@link CircuitBreakerListener#forBreaker}
     * @throws IllegalArgumentException when a spec value is outside its range in docs/configuration.md
     */
    public CircuitBreaker(CircuitBreakerSpec spec, NanoClock clock, CircuitBreakerListener listener, String scope) {
        CircuitBreakerSpecCheck.validate(spec);
        this.spec = spec;
        this.name = spec.name();
        this.clock = clock;
        this.listener = listener.forBreaker(name, scope);
        this.windowTrip = new TripCondition(effectiveMinimumCalls(spec), spec.failureRateThreshold(), spec.slowCallRateThreshold());
        this.trialTrip = new TripCondition(spec.halfOpenCalls(), spec.failureRateThreshold(), spec.slowCallRateThreshold());
        this.phase = new AtomicReference<>(newClosedPhase(0));
    }

    /**
     * A COUNT window never holds more than {@code windowSize} calls, so a larger {@code minimumCalls}
     * would silently disable the rate rule; like Resilience4j, the window size caps it.
     */
    private static int effectiveMinimumCalls(CircuitBreakerSpec spec) {
        return spec.windowType() == WindowType.COUNT ? Math.min(spec.minimumCalls(), spec.windowSize()) : spec.minimumCalls();
    }

    /** Permit token {@code >= 0} when the call may run, or {@link #REJECTED}. */
    public long tryAcquirePermission(long nowNanos) {
        while (true) {
            Phase current = phase.get();
            if (current instanceof ClosedPhase) {
                return current.generation;
            }
            if (current instanceof HalfOpenPhase) {
                return ((HalfOpenPhase) current).tryTakeSlot() ? current.generation : reject();
            }
            if (current instanceof DisabledPhase) {
                return current.generation;
            }
            OpenPhase open = (OpenPhase) current;
            // A refusal looks at the exact clock before it is final: the breaker's own clock trails it by as long
            // as its ticking thread goes unscheduled on a busy machine, which would hold the breaker OPEN past its
            // wait and refuse the caller who waited out the Retry-After it was given.
            if (!open.waitOver(nowNanos, spec.waitInOpenNanos())
                    && !open.waitOver(clock.exactNanoTime(), spec.waitInOpenNanos())) {
                return reject();
            }
            HalfOpenPhase trials = new HalfOpenPhase(open.generation + 1, spec.halfOpenCalls(), trialTrip);
            if (transition(open, trials)) {
                return trials.generation;
            }
        }
    }

    /**
     * After {@link #tryAcquirePermission} refused a call: how long until the breaker lets a trial call through, the
     * {@code Retry-After} of the refusal. 0 when that is not known: the breaker is HALF_OPEN with its trials
     * taken, forced open, or has moved on meanwhile.
     */
    public long retryAfterNanos(long nowNanos) {
        Phase current = phase.get();
        if (!(current instanceof OpenPhase)) {
            return 0L;
        }
        long exactNow = Math.max(nowNanos, clock.exactNanoTime());
        return ((OpenPhase) current).untilTrial(exactNow, spec.waitInOpenNanos());
    }

    /**
     * Records the outcome of a call admitted with {@code permit}; {@code failureType} null means it
     * returned normally. {@code ignoreOn} wins over {@code recordOn}; an ignored call counts neither way
     * but frees its trial slot. Anything not matching {@code recordOn}, an {@link Error} included, is a
     * success; {@link #RESULT_FAILURE} is always a failure. A call lasting at least {@code slowCallDuration} is
     * also slow.
     */
    public void onComplete(long permit, Class<? extends Throwable> failureType, long durationNanos, long nowNanos) {
        if (permit < 0) {
            return;
        }
        Phase current = phase.get();
        boolean admittedByCurrentPhase = current.generation == permit;
        if (failureType == RESULT_FAILURE) {
            recordFailure(current, admittedByCurrentPhase, durationNanos, nowNanos);
            return;
        }
        if (failureType != null && spec.ignoreOn().matches(failureType)) {
            if (admittedByCurrentPhase) {
                freeTrialSlot(current);
            }
            listener.onOutcome(name, CallOutcome.IGNORED);
            return;
        }
        boolean failed = failureType != null && spec.recordOn().matches(failureType);
        if (admittedByCurrentPhase) {
            record(current, failed, durationNanos >= spec.slowCallDurationNanos(), nowNanos);
        }
        listener.onOutcome(name, failed ? CallOutcome.FAILURE : CallOutcome.SUCCESS);
    }

    /** A result its check judged a failure: recorded as one, whatever {@code recordOn} and {@code ignoreOn} name. */
    private void recordFailure(Phase current, boolean admittedByCurrentPhase, long durationNanos, long nowNanos) {
        if (admittedByCurrentPhase) {
            record(current, true, durationNanos >= spec.slowCallDurationNanos(), nowNanos);
        }
        listener.onOutcome(name, CallOutcome.FAILURE);
    }

    /** The admitted call never ran (e.g. cancelled): frees its trial slot and records nothing. */
    public void releasePermission(long permit) {
        Phase current = phase.get();
        if (permit >= 0 && current.generation == permit) {
            freeTrialSlot(current);
        }
    }

    /**
     * The breaker's own clock, which every time passed to it must come from: the agent gives breakers a
     * millisecond clock that is far cheaper to read than the exact one, and one breaker may serve many sites.
     */
    public long nanoTime() {
        return clock.nanoTime();
    }

    public CircuitState state() {
        return phase.get().state;
    }

    public String name() {
        return name;
    }

    public CircuitBreakerSpec spec() {
        return spec;
    }

    public CircuitBreakerMetrics metrics() {
        Phase current = phase.get();
        return new CircuitBreakerMetrics(current.state, current.counts(clock.nanoTime()), notPermittedCalls.sum());
    }

    /** Holds the breaker OPEN, rejecting every call, until {@link #reset()}. */
    public void forceOpen() {
        while (true) {
            Phase current = phase.get();
            if (transition(current, new OpenPhase(current.generation + 1, clock.nanoTime(), true, current))) {
                return;
            }
        }
    }

    /**
     * DISABLED until {@link #reset()} or {@link #forceOpen()}: every call runs and no outcome is recorded. Calls
     * admitted before keep their permits of the earlier phase, so they change nothing either. Already DISABLED,
     * it stays as it is: concurrent operators make one transition.
     */
    public void disable() {
        while (true) {
            Phase current = phase.get();
            if (current instanceof DisabledPhase || transition(current, new DisabledPhase(current.generation + 1))) {
                return;
            }
        }
    }

    /** CLOSED with an empty window, whatever the state was. */
    public void reset() {
        while (true) {
            Phase current = phase.get();
            if (transition(current, newClosedPhase(current.generation + 1))) {
                return;
            }
        }
    }

    private void record(Phase current, boolean failed, boolean slow, long nowNanos) {
        if (current instanceof ClosedPhase) {
            if (((ClosedPhase) current).recordAndCheck(failed, slow, nowNanos)) {
                open(current, nowNanos);
            }
        } else if (current instanceof HalfOpenPhase) {
            HalfOpenPhase.Verdict verdict = ((HalfOpenPhase) current).record(failed, slow);
            if (verdict == HalfOpenPhase.Verdict.REOPEN) {
                open(current, nowNanos);
            } else if (verdict == HalfOpenPhase.Verdict.CLOSE) {
                transition(current, newClosedPhase(current.generation + 1));
            }
        }
    }

    private static void freeTrialSlot(Phase current) {
        if (current instanceof HalfOpenPhase) {
            ((HalfOpenPhase) current).freeSlot();
        }
    }

    private void open(Phase from, long nowNanos) {
        transition(from, new OpenPhase(from.generation + 1, nowNanos, false, from));
    }

    private boolean transition(Phase from, Phase to) {
        if (!phase.compareAndSet(from, to)) {
            return false;
        }
        if (from.state != to.state) {
            listener.onTransition(name, from.state, to.state);
        }
        return true;
    }

    private long reject() {
        notPermittedCalls.increment();
        listener.onOutcome(name, CallOutcome.REJECTED);
        return REJECTED;
    }

    private ClosedPhase newClosedPhase(long generation) {
        OutcomeWindow window = spec.windowType() == WindowType.TIME
                ? new TimeWindow(spec.windowSize(), windowTrip)
                : new CountWindow(spec.windowSize(), windowTrip);
        return new ClosedPhase(generation, window, spec.consecutiveFailures());
    }
}
