package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.chain.SiteMetrics;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The chain's {@link CallObserver}: counts decisions into {@link BulwarkMetrics}, through handles each chain and
 * breaker resolves once, and forwards an invocation's own callbacks to a {@link Recorder} (spans), once an
 * OpenTelemetry SDK is found; it costs one volatile read per invocation until then (the chain skips the other
 * callbacks of an invocation that started unrecorded and succeeded). The SDK is looked for at the first protected call, never
 * at start-up, so the application has had its chance to register one, and on the application's own thread, so
 * that its context class loader counts. While only a no-op is there, a daemon thread looks again (every second
 * for a minute, then every ten seconds) in the class loaders that defined woven classes and are not collected,
 * so a deployment that registers an SDK later is found, and an undeployed one is never asked to load a class
 * (an application server refuses, and logs, loading through a stopped application's loader). Not the
 * next protected call: a branch its compiled code took for the first time every second made the JIT throw that
 * code away and compile it again, sometimes slower for good (docs/benchmark-history.md).
 *
 * <p>The recorder found is held weakly: it lives in the bridge next to the {@code opentelemetry-api} of the
 * application that registered the SDK, whose class loader is that bridge's parent, and an undeployed application
 * must be collected with its SDK. Once it is, the next protected call looks again, so a redeployed application's
 * SDK is found anew.
 */
public final class TelemetryObserver implements CallObserver, CircuitBreakerListener {
    private static final long FAST_LOOKUPS = 60;
    private static final long FAST_INTERVAL_MILLIS = TimeUnit.SECONDS.toMillis(1);
    private static final long SLOW_INTERVAL_MILLIS = TimeUnit.SECONDS.toMillis(10);
    /** Records nothing: the recorder until a real OpenTelemetry is found. */
    private static final Recorder NOT_FOUND = () -> "nowhere";
    /** Records nothing either, and tells the first protected call to look OpenTelemetry up. */
    private static final Recorder FIRST_LOOKUP_DUE = () -> "nowhere yet";
    /** The constants are held by the class, so these never clear. */
    private static final WeakReference<Recorder> NOT_FOUND_YET = new WeakReference<>(NOT_FOUND);
    private static final WeakReference<Recorder> LOOKUP_DUE = new WeakReference<>(FIRST_LOOKUP_DUE);

    /** Null with metrics off. */
    private final BulwarkMetrics metrics;
    private final SpanMode spans;
    private final String version;
    private final OtelLocator locator;
    private volatile TelemetrySettings settings;
    private volatile Supplier<List<ClassLoader>> applicationLoaders = List::of;
    /**
     * {@link #FIRST_LOOKUP_DUE}, then {@link #NOT_FOUND} until a real OpenTelemetry is found, then that until its
     * application is collected (cleared: look again); one field, so that an unrecorded invocation reads one
     * volatile. Written under this object's lock only.
     */
    private volatile WeakReference<Recorder> recorder = LOOKUP_DUE;

    private TelemetryObserver(boolean metrics, SpanMode spans, String version) {
        this(metrics, spans, version, TelemetryObserver.class.getClassLoader());
    }

    /** @param agentLoader where the bridge classes are, as the agent jar lays them out */
    TelemetryObserver(boolean metrics, SpanMode spans, String version, ClassLoader agentLoader) {
        this.metrics = metrics ? new BulwarkMetrics() : null;
        this.spans = spans;
        this.version = version;
        this.locator = new OtelLocator(agentLoader);
        this.settings = new TelemetrySettings(this.metrics, spans, version, null);
    }

    /** The observer for the {@code bulwark.otel.*} switches; with both off, none at all. */
    public static CallObserver create(boolean metrics, SpanMode spans, String version) {
        return metrics || spans != SpanMode.OFF ? new TelemetryObserver(metrics, spans, version) : CallObserver.NONE;
    }

    @Override
    public CircuitBreakerListener circuitBreakerListener() {
        return this;
    }

    /** Each breaker's own listener holds its counts; with metrics off, none. */
    @Override
    public CircuitBreakerListener forBreaker(String name, String scope) {
        return metrics == null ? CircuitBreakerListener.NOOP : metrics.breaker(new PolicyName(name, scope));
    }

    @Override
    public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
        return metrics == null ? SiteMetrics.NONE : metrics.site(site, retry, bulkhead, limiter);
    }

    @Override
    public void observe(PolicyRegistry registry) {
        settings = new TelemetrySettings(metrics, spans, version, registry);
    }

    @Override
    public void applicationLoaders(Supplier<List<ClassLoader>> loaders) {
        applicationLoaders = loaders;
    }

    @Override
    public Object invocationStarted(String site) {
        Recorder r = recorder.get();
        if (r == FIRST_LOOKUP_DUE || r == null) {
            r = lookUpNow();
        }
        return r.invocationStarted(site);
    }

    /** The first look-up, or the first since the application whose SDK was found is gone. */
    private synchronized Recorder lookUpNow() {
        Recorder current = recorder.get();
        if (current != FIRST_LOOKUP_DUE && current != null) {
            return current;
        }
        recorder = NOT_FOUND_YET;
        if (!lookUp(Thread.currentThread().getContextClassLoader())) {
            AgentThreads.start("bulwark-telemetry-lookup", this::lookAgain);
        }
        return current();
    }

    /** What records now; an invocation's later callbacks go nowhere once its application's SDK is gone. */
    private Recorder current() {
        Recorder r = recorder.get();
        return r == null ? NOT_FOUND : r;
    }

    /**
     * True once a real OpenTelemetry is found, which then records from now on.
     *
     * @param contextLoader the context class loader of the application thread calling, or null
     */
    private synchronized boolean lookUp(ClassLoader contextLoader) {
        try {
            Recorder found = locator.find(settings, contextLoader, applicationLoaders.get());
            if (found != null) {
                recorder = new WeakReference<>(found);
                if (metrics != null) {
                    metrics.start();
                }
                boolean spanning = spans != SpanMode.OFF;
                String spanned = spans == SpanMode.EVENTFUL ? "eventful spans" : "spans";
                BulwarkLog.info("telemetry: " + (metrics != null ? "metrics" : "")
                        + (metrics != null && spanning ? " and " : "")
                        + (spanning ? spanned : "") + " go to " + found.describe());
                return true;
            }
        } catch (Throwable t) {
            BulwarkLog.errorOnce("telemetry lookup " + t.getClass().getName(),
                    "telemetry: cannot bridge to OpenTelemetry, nothing is recorded for now: " + t, t);
        }
        return false;
    }

    private void lookAgain() {
        try {
            for (long attempt = 0; ; attempt++) {
                Thread.sleep(attempt < FAST_LOOKUPS ? FAST_INTERVAL_MILLIS : SLOW_INTERVAL_MILLIS);
                if (lookUp(null)) {
                    return;
                }
            }
        } catch (InterruptedException stopped) {
            // Only the JVM's shutdown interrupts a daemon like this one: there is nothing left to look for.
        }
    }

    @Override
    public Object invocationTraced(String site, long startNanos) {
        return current().invocationTraced(site, startNanos);
    }

    @Override
    public void invocationDetached(Object invocation) {
        current().invocationDetached(invocation);
    }

    @Override
    public void invocationAbandoned(Object invocation) {
        current().invocationAbandoned(invocation);
    }

    @Override
    public void retryAttempt(Object invocation, String retryName, int attempt) {
        current().retryAttempt(invocation, retryName, attempt);
    }

    @Override
    public void rejected(Object invocation, String policyName, Rejection rejection) {
        current().rejected(invocation, policyName, rejection);
    }

    @Override
    public void fallback(Object invocation, String site) {
        current().fallback(invocation, site);
    }

    @Override
    public void chaosInjected(Object invocation, String site, boolean fault) {
        current().chaosInjected(invocation, site, fault);
    }

    @Override
    public void invocationFinished(Object invocation, String site, long durationNanos, Class<? extends Throwable> failure,
                                   Throwable thrown) {
        current().invocationFinished(invocation, site, durationNanos, failure, thrown);
    }
}
