package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

import java.util.concurrent.Flow;

/**
 * One subscription to a protected Mono or Flux: the chain's subscription, handed to Reactor's subscriber as its
 * {@link Subscription}; each attempt subscribes to the body's publisher with an {@link Attempt}, which sees the
 * subscriber's context. No adaptation between Reactor's types and the JDK's on the way.
 */
final class ReactorSubscription extends ReactiveInvocation.Subscription implements Subscription {
    private final CoreSubscriber<? super Object> actual;

    ReactorSubscription(ReactiveInvocation invocation, CoreSubscriber<? super Object> actual) {
        invocation.super();
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
        ((Publisher<Object>) body).subscribe(new Attempt(number));
    }

    /** Subscribes to one attempt's publisher and is the chain's handle on that publisher's subscription. */
    private final class Attempt extends Upstream implements CoreSubscriber<Object>, Flow.Subscription {
        private Subscription subscription;

        Attempt(int number) {
            super(number);
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.subscription = subscription;
            onSubscribe((Flow.Subscription) this);
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void request(long n) {
            subscription.request(n);
        }

        @Override
        public void cancel() {
            subscription.cancel();
        }
    }
}
