package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/** The Mono a protected method returns: each subscription one protected call, in Reactor's own types. */
final class ProtectedMono extends Mono<Object> implements ReactiveInvocation.Assembly {
    private final ReactiveInvocation invocation;
    private final Object self;
    private final Object[] arguments;

    private ProtectedMono(ReactiveInvocation invocation, Object self, Object[] arguments) {
        this.invocation = invocation;
        this.self = self;
        this.arguments = arguments;
    }

    /** Through Reactor's assembly hooks, as every operator of Reactor's own. */
    static Mono<Object> assembled(ReactiveInvocation invocation, Object self, Object[] arguments) {
        return onAssembly(new ProtectedMono(invocation, self, arguments));
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
