package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** The Mono a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedMono extends Mono<Object> {
    private final ReactiveInvocation invocation;

    private ProtectedMono(ReactiveInvocation invocation) {
        this.invocation = invocation;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Mono<Object> assembled(ReactiveInvocation invocation) {
        return onAssembly(new ProtectedMono(invocation));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        new ReactorSubscription(invocation, actual).start();
    }
}
