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
 * happened. A healthy invocation never gets here: the chain counts and times it as it would with spans off, and
 * asks for a {@link Pending} record only at its first event ({@link dev.bulwark.agent.chain.CallObserver#EVENTFUL}).
 * Since the span is never current while the body runs, spans started inside the invocation are not its children
 * but its siblings, under the caller's span.
 */
final class EventfulSpans {
    private final Tracer tracer;
    private final ConcurrentHashMap<String, OtelSpans.Site> sites = new ConcurrentHashMap<>();

    EventfulSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** One eventful invocation's record until it ends. */
    static final class Pending {
        private final String site;
        /** When the invocation started, on {@code System.nanoTime()}'s scale. */
        private final long startNanos;
        /** Event names, their attributes and their {@code System.nanoTime()}. */
        private final List<Object[]> events = new ArrayList<>(2);
        /** Where the span belongs once the invocation left its thread; null while it runs on it. */
        private Context parent;

        Pending(String site, long startNanos) {
            this.site = site;
            this.startNanos = startNanos;
        }

        void event(String name, Attributes attributes) {
            events.add(new Object[]{name, attributes, System.nanoTime()});
        }
    }

    /** The record of an invocation that has its first event now, or leaves its thread. */
    Pending traced(String site, long startNanos) {
        return new Pending(site, startNanos);
    }

    static void detach(Object invocation) {
        if (invocation instanceof Pending) {
            ((Pending) invocation).parent = Context.current();
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

    /**
     * Makes the span of an eventful invocation; one that only left its thread and then ended healthy has no
     * events and no failure, and makes none.
     */
    void finish(Object invocation, Class<? extends Throwable> failure, Throwable thrown) {
        if (invocation instanceof Pending) {
            Pending pending = (Pending) invocation;
            if (failure != null || !pending.events.isEmpty()) {
                record(pending, failure, thrown);
            }
        }
    }

    private void record(Pending pending, Class<? extends Throwable> failure, Throwable thrown) {
        Instant now = Instant.now();
        long endNanoTime = System.nanoTime();
        long endEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        OtelSpans.Site site = OtelSpans.site(sites, pending.site);
        SpanBuilder builder = tracer.spanBuilder(site.spanName).setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(site.attributes)
                .setStartTimestamp(endEpochNanos - Math.max(0, endNanoTime - pending.startNanos), TimeUnit.NANOSECONDS);
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
