package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** The Mono a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedMono extends Mono<Object> {
    private final ReactiveInvocation invocation;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;

    private ProtectedMono(ReactiveInvocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        this.invocation = invocation;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Mono<Object> assembled(ReactiveInvocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        return onAssembly(new ProtectedMono(invocation, declaringType, self, arguments));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        new ReactorSubscription(invocation, declaringType, self, arguments, actual).start();
    }
}
