package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** The Flux a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedFlux extends Flux<Object> {
    private final ReactiveInvocation invocation;

    private ProtectedFlux(ReactiveInvocation invocation) {
        this.invocation = invocation;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Flux<Object> assembled(ReactiveInvocation invocation) {
        return onAssembly(new ProtectedFlux(invocation));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        new ReactorSubscription(invocation, actual).start();
    }
}
