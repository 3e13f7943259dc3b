package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** The Flux a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedFlux extends Flux<Object> implements ReactiveInvocation.Assembly {
    private final ReactiveInvocation invocation;
    private final Object self;
    private final Object[] arguments;

    private ProtectedFlux(ReactiveInvocation invocation, Object self, Object[] arguments) {
        this.invocation = invocation;
        this.self = self;
        this.arguments = arguments;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Flux<Object> assembled(ReactiveInvocation invocation, Object self, Object[] arguments) {
        return onAssembly(new ProtectedFlux(invocation, self, arguments));
    }

    @Override
    public Object self() {
        return self;
    }

    @Override
    public Object[] arguments() {
        return arguments;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        new ReactorSubscription(invocation, this, actual).start();
    }
}
