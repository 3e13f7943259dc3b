package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** The Flux a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedFlux extends Flux<Object> {
    private final ReactiveInvocation invocation;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;

    private ProtectedFlux(ReactiveInvocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        this.invocation = invocation;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Flux<Object> assembled(ReactiveInvocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        return onAssembly(new ProtectedFlux(invocation, declaringType, self, arguments));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        new ReactorSubscription(invocation, declaringType, self, arguments, actual).start();
    }
}
