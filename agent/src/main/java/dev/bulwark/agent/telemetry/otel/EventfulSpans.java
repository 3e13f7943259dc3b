package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.Rejection;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code bulwark.otel.spans = eventful}: a span only for an invocation that retried, was rejected, fell back,
 * timed out or failed, made when it ends, back-dated to its start and carrying its events at the times they
 * happened. A healthy invocation takes a reusable {@link Pending} of its thread and gives it back: no span, no
 * allocation, no context switch. Since the span is never current while the body runs, spans started inside the
 * invocation are not its children but its siblings, under the caller's span.
 */
final class EventfulSpans {
    private final Tracer tracer;
    private final ConcurrentHashMap<String, OtelSpans.Site> sites = new ConcurrentHashMap<>();
    private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);

    EventfulSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** One invocation's record until it ends; reused by its thread for the next one. */
    static final class Pending {
        private final Pool home;
        private final Thread owner;
        private String site;
        /** Event names, their attributes and their {@code System.nanoTime()}; empty for a healthy invocation. */
        private final List<Object[]> events = new ArrayList<>(2);
        /** Where the span belongs once the invocation left its thread; null while it runs on it. */
        private Context parent;

        Pending(Pool home) {
            this.home = home;
            this.owner = Thread.currentThread();
        }

        void event(String name, Attributes attributes) {
            events.add(new Object[]{name, attributes, System.nanoTime()});
        }

        /** Back to its thread's pool, unless it ends on another thread (an asynchronous invocation). */
        void release() {
            site = null;
            events.clear();
            if (parent == null && owner == Thread.currentThread()) {
                home.push(this);
            }
            parent = null;
        }
    }

    /** The free {@link Pending}s of one thread; nested invocations each take their own. */
    static final class Pool {
        private Pending[] free = new Pending[4];
        private int size;

        Pending pop() {
            return size == 0 ? new Pending(this) : free[--size];
        }

        void push(Pending pending) {
            if (size == free.length) {
                free = java.util.Arrays.copyOf(free, size * 2);
            }
            free[size++] = pending;
        }
    }

    Pending start(String site) {
        Pending pending = pools.get().pop();
        pending.site = site;
        return pending;
    }

    static void detach(Object invocation) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).parent = Context.current();
        }
    }

    static void abandon(Object invocation) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).release();
        }
    }

    static void retry(Object invocation, int attempt) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).event("bulwark.retry", Attributes.of(OtelSpans.ATTEMPT, (long) attempt));
        }
    }

    static void rejected(Object invocation, String policyName, Rejection rejection) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).event(rejection == Rejection.TIMEOUT ? "bulwark.timeout" : "bulwark.rejected",
                    Attributes.of(OtelMetrics.NAME, policyName, OtelSpans.POLICY, rejection.name().toLowerCase(Locale.ROOT)));
        }
    }

    static void fallback(Object invocation) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).event("bulwark.fallback", Attributes.empty());
        }
    }

    static void chaos(Object invocation, boolean fault) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).event("bulwark.chaos", Attributes.of(OtelMetrics.KIND, OtelMetrics.chaosKind(fault)));
        }
    }

    /** Makes the span of an eventful invocation; a healthy one just gives its {@link Pending} back. */
    void finish(Object invocation, long durationNanos, Class<? extends Throwable> failure, Throwable thrown) {
        if (!(invocation instanceof Pending)) {
            return;
        }
        Pending pending = (Pending) invocation;
        if (failure != null || !pending.events.isEmpty()) {
            record(pending, durationNanos, failure, thrown);
        }
        pending.release();
    }

    private void record(Pending pending, long durationNanos, Class<? extends Throwable> failure, Throwable thrown) {
        Instant now = Instant.now();
        long endNanoTime = System.nanoTime();
        long endEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        OtelSpans.Site site = OtelSpans.site(sites, pending.site);
        SpanBuilder builder = tracer.spanBuilder(site.spanName).setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(site.attributes)
                .setStartTimestamp(endEpochNanos - Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
        if (pending.parent != null) {
            builder.setParent(pending.parent);
        }
        Span span = builder.startSpan();
        for (Object[] event : pending.events) {
            long at = endEpochNanos - (endNanoTime - (Long) event[2]);
            span.addEvent((String) event[0], (Attributes) event[1], at, TimeUnit.NANOSECONDS);
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getName());
            if (thrown != null && thrown.getClass() == failure) {
                span.recordException(thrown);
            }
        }
        span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    }
}
