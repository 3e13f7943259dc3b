package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.Invocation;

/**
 * The one invocation object all threads share for a call of a reactive site: the call only assembles the
 * publisher (each subscription is a protected call of its own, see {@link ReactiveInvocation}), so it needs no
 * frame of its thread's stack. Never written after construction.
 */
final class ReactiveEntry extends Invocation {
    final SiteChain chain;

    ReactiveEntry(SiteChain chain) {
        this.chain = chain;
        this.asynchronous = true;
        this.skipBody = true;
    }
}
