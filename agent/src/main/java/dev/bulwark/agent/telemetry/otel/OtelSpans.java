package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.Rejection;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One INTERNAL span per protected invocation, named {@code SimpleClassName.method} (the site
 * {@code com.acme.Foo#bar} becomes {@code Foo.bar}, with {@code code.namespace} and {@code code.function} for
 * the full name). It is current while the body runs, so spans started inside it, nested protected calls
 * included, are its children.
 */
final class OtelSpans {
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bulwark.attempt");
    static final AttributeKey<String> POLICY = AttributeKey.stringKey("bulwark.policy");
    private static final AttributeKey<String> CODE_NAMESPACE = AttributeKey.stringKey("code.namespace");
    private static final AttributeKey<String> CODE_FUNCTION = AttributeKey.stringKey("code.function");

    private final Tracer tracer;
    private final ConcurrentHashMap<String, Site> sites = new ConcurrentHashMap<>();

    OtelSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The span of one invocation and the scope that makes it current on the caller's thread. The scope is
     * closed once, on that thread: when the invocation ends there, or when an asynchronous one leaves it (its
     * end then comes from another thread, which must not touch the caller's context).
     */
    static final class Active {
        final Span span;
        private Scope scope;

        Active(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        void leaveThread() {
            if (scope != null) {
                scope.close();
                scope = null;
            }
        }
    }

    static final class Site {
        final String spanName;
        final Attributes attributes;

        Site(String site) {
            int hash = site.indexOf('#');
            String className = hash < 0 ? site : site.substring(0, hash);
            String method = hash < 0 ? "" : site.substring(hash + 1);
            spanName = className.substring(className.lastIndexOf('.') + 1) + "." + method;
            attributes = Attributes.of(CODE_NAMESPACE, className, CODE_FUNCTION, method);
        }
    }

    static Site site(ConcurrentHashMap<String, Site> sites, String site) {
        Site known = sites.get(site);
        return known != null ? known : sites.computeIfAbsent(site, Site::new);
    }

    Active start(String site) {
        Site known = site(sites, site);
        Span span = tracer.spanBuilder(known.spanName).setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(known.attributes).startSpan();
        return new Active(span, span.makeCurrent());
    }

    static void detach(Object invocation) {
        if (invocation instanceof Active) {
            ((Active) invocation).leaveThread();
        }
    }

    /** Ends the span of an invocation Bulwark gave up on; its outcome is unknown, so no status is set. */
    static void abandon(Object invocation) {
        if (invocation instanceof Active) {
            ((Active) invocation).leaveThread();
            ((Active) invocation).span.end();
        }
    }

    static void retry(Object invocation, int attempt) {
        if (invocation instanceof Active) {
            ((Active) invocation).span.addEvent("bulwark.retry", Attributes.of(ATTEMPT, (long) attempt));
        }
    }

    static void rejected(Object invocation, String policyName, Rejection rejection) {
        if (invocation instanceof Active) {
            ((Active) invocation).span.addEvent(rejection == Rejection.TIMEOUT ? "bulwark.timeout" : "bulwark.rejected",
                    Attributes.of(OtelMetrics.NAME, policyName, POLICY, rejection.name().toLowerCase(Locale.ROOT)));
        }
    }

    static void fallback(Object invocation) {
        if (invocation instanceof Active) {
            ((Active) invocation).span.addEvent("bulwark.fallback");
        }
    }

    static void chaos(Object invocation, boolean fault) {
        if (invocation instanceof Active) {
            ((Active) invocation).span.addEvent("bulwark.chaos", Attributes.of(OtelMetrics.KIND, OtelMetrics.chaosKind(fault)));
        }
    }

    static void finish(Object invocation, Class<? extends Throwable> failure, Throwable thrown) {
        if (invocation instanceof Active) {
            Active active = (Active) invocation;
            if (failure != null) {
                active.span.setStatus(StatusCode.ERROR, failure.getName());
                // A timeout replaces the body's own exception: record only what the caller actually receives.
                if (thrown != null && thrown.getClass() == failure) {
                    active.span.recordException(thrown);
                }
            }
            active.leaveThread();
            active.span.end();
        }
    }
}
