package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * One subscription to a protected Mono or Flux: the chain's subscription, handed to Reactor's subscriber as its
 * {@link Subscription}, and the first attempt's subscriber to the body's publisher, as Reactor's own operators
 * are both; a later attempt subscribes with an {@link Attempt}. Either sees the subscriber's context. No
 * adaptation between Reactor's types and the JDK's on the way.
 */
final class ReactorSubscription extends ReactiveInvocation.Subscription implements Subscription, CoreSubscriber<Object> {
    private final CoreSubscriber<? super Object> actual;

    ReactorSubscription(ReactiveInvocation invocation, ReactiveInvocation.Assembly assembly,
                        CoreSubscriber<? super Object> actual) {
        invocation.super(assembly);
        this.actual = actual;
    }

    @Override
    protected void signalSubscribed() {
        actual.onSubscribe(this);
    }

    @Override
    protected void signalNext(Object item) {
        actual.onNext(item);
    }

    @Override
    protected void signalComplete() {
        actual.onComplete();
    }

    @Override
    protected void signalError(Throwable failure) {
        actual.onError(failure);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void subscribeBody(Object body, int number) {
        ((Publisher<Object>) body).subscribe(number == 1 ? this : new Attempt(number));
    }

    /** The fallback's and the unprotected body's publishers come through Flow, with their own subscriptions. */
    @Override
    protected void requestUpstream(Object subscription, long n) {
        if (subscription instanceof Subscription) {
            ((Subscription) subscription).request(n);
        } else {
            super.requestUpstream(subscription, n);
        }
    }

    @Override
    protected void cancelUpstream(Object subscription) {
        if (subscription instanceof Subscription) {
            ((Subscription) subscription).cancel();
        } else {
            super.cancelUpstream(subscription);
        }
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        upstreamSubscribed(1, subscription);
    }

    @Override
    public void onNext(Object item) {
        upstreamNext(1, item);
    }

    @Override
    public void onError(Throwable failure) {
        upstreamEnded(1, failure);
    }

    @Override
    public void onComplete() {
        upstreamEnded(1, null);
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    /** Subscribes to a later attempt's publisher. */
    private final class Attempt implements CoreSubscriber<Object> {
        private final int number;

        Attempt(int number) {
            this.number = number;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstreamSubscribed(number, subscription);
        }

        @Override
        public void onNext(Object item) {
            upstreamNext(number, item);
        }

        @Override
        public void onError(Throwable failure) {
            upstreamEnded(number, failure);
        }

        @Override
        public void onComplete() {
            upstreamEnded(number, null);
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }
    }
}
