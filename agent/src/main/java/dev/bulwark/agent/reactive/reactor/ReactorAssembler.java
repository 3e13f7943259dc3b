package dev.bulwark.agent.reactive.reactor;

import dev.bulwark.agent.chain.ReactiveInvocation;

/** Made by the Reactor adapter's loader, once per application copy of reactor-core. */
public final class ReactorAssembler implements ReactiveInvocation.Assembler {
    @Override
    public Object assemble(ReactiveInvocation invocation, Object self, Object[] arguments, boolean single) {
        return single ? ProtectedMono.assembled(invocation, self, arguments)
                : ProtectedFlux.assembled(invocation, self, arguments);
    }
}
