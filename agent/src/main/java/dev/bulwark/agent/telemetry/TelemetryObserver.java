package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.TimeUnit;

/**
 * The chain's {@link CallObserver}: forwards every decision to a {@link Recorder} once an OpenTelemetry SDK is
 * found, and costs one volatile read per callback until then. The SDK is looked for at the first protected
 * call, never at start-up, so the application has had its chance to register one; while only a no-op is
 * there, a daemon ticker marks a new look-up as due (every second for a minute, then every ten seconds), and
 * the next protected call makes it, on the application's own thread so that its context class loader counts.
 */
public final class TelemetryObserver implements CallObserver, CircuitBreakerListener {
    private static final long FAST_LOOKUPS = 60;
    private static final long FAST_INTERVAL_MILLIS = TimeUnit.SECONDS.toMillis(1);
    private static final long SLOW_INTERVAL_MILLIS = TimeUnit.SECONDS.toMillis(10);

    private final boolean metrics;
    private final boolean spans;
    private final String version;
    private final OtelLocator locator;
    private volatile TelemetrySettings settings;
    /** Records nothing: the recorder until a real OpenTelemetry is found. */
    private static final Recorder NOT_FOUND = () -> "nowhere";

    /** {@link #NOT_FOUND} until a real OpenTelemetry is found; never changes afterwards. */
    private volatile Recorder recorder = NOT_FOUND;
    private volatile boolean lookupDue = true;
    private Thread ticker;

    private TelemetryObserver(boolean metrics, boolean spans, String version) {
        this.metrics = metrics;
        this.spans = spans;
        this.version = version;
        this.locator = new OtelLocator(TelemetryObserver.class.getClassLoader());
        this.settings = new TelemetrySettings(metrics, spans, version, null);
    }

    /** The observer for the {@code bulwark.otel.*} switches; with both off, none at all. */
    public static CallObserver create(boolean metrics, boolean spans, String version) {
        return metrics || spans ? new TelemetryObserver(metrics, spans, version) : CallObserver.NONE;
    }

    @Override
    public CircuitBreakerListener circuitBreakerListener() {
        return this;
    }

    @Override
    public void observe(PolicyRegistry registry) {
        settings = new TelemetrySettings(metrics, spans, version, registry);
    }

    @Override
    public Object invocationStarted(String site) {
        Recorder r = recorder;
        if (r == NOT_FOUND && lookupDue) {
            r = lookUp();
        }
        return r.invocationStarted(site);
    }

    @Override
    public boolean records() {
        return recorder != NOT_FOUND;
    }

    private synchronized Recorder lookUp() {
        if (recorder != NOT_FOUND || !lookupDue) {
            return recorder;
        }
        lookupDue = false;
        try {
            Recorder found = locator.find(settings);
            if (found != null) {
                recorder = found;
                BulwarkLog.info("telemetry: " + (metrics ? "metrics" : "") + (metrics && spans ? " and " : "")
                        + (spans ? "spans" : "") + " go to " + found.describe());
                return found;
            }
        } catch (Throwable t) {
            BulwarkLog.errorOnce("telemetry lookup " + t.getClass().getName(),
                    "telemetry: cannot bridge to OpenTelemetry, nothing is recorded for now: " + t, t);
        }
        startTicker();
        return NOT_FOUND;
    }

    private void startTicker() {
        if (ticker == null) {
            ticker = new Thread(this::tick, "bulwark-telemetry-lookup");
            ticker.setDaemon(true);
            ticker.start();
        }
    }

    private void tick() {
        try {
            for (long lookups = 0; recorder == NOT_FOUND; lookups++) {
                Thread.sleep(lookups < FAST_LOOKUPS ? FAST_INTERVAL_MILLIS : SLOW_INTERVAL_MILLIS);
                lookupDue = true;
            }
        } catch (InterruptedException stopped) {
            // Only the JVM's shutdown interrupts a daemon like this one: there is nothing left to look for.
        }
    }

    @Override
    public void invocationDetached(Object invocation) {
        recorder.invocationDetached(invocation);
    }

    @Override
    public void invocationAbandoned(Object invocation) {
        recorder.invocationAbandoned(invocation);
    }

    @Override
    public void retryAttempt(Object invocation, String retryName, int attempt) {
        recorder.retryAttempt(invocation, retryName, attempt);
    }

    @Override
    public void retryFinished(String retryName, RetryOutcome outcome) {
        recorder.retryFinished(retryName, outcome);
    }

    @Override
    public void rejected(Object invocation, String policyName, Rejection rejection) {
        recorder.rejected(invocation, policyName, rejection);
    }

    @Override
    public void bulkhead(String bulkheadName, boolean permitted) {
        recorder.bulkhead(bulkheadName, permitted);
    }

    @Override
    public void rateLimiter(String limiterName, boolean permitted) {
        recorder.rateLimiter(limiterName, permitted);
    }

    @Override
    public void timeout(Object invocation, String site, boolean timedOut) {
        recorder.timeout(invocation, site, timedOut);
    }

    @Override
    public void fallback(Object invocation, String site) {
        recorder.fallback(invocation, site);
    }

    @Override
    public void invocationFinished(Object invocation, String site, long durationNanos, Class<? extends Throwable> failure,
                                   Throwable thrown) {
        recorder.invocationFinished(invocation, site, durationNanos, failure, thrown);
    }

    @Override
    public void onTransition(String name, CircuitState from, CircuitState to) {
        recorder.onTransition(name, from, to);
    }

    @Override
    public void onOutcome(String name, CallOutcome outcome) {
        recorder.onOutcome(name, outcome);
    }
}
