package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.Invocation;

/**
 * The one invocation object all threads share for a site whose calls need no state of their own until one
 * fails (or returns a result its retry's check judges a failure): a call that succeeds then costs no per-thread
 * frame at all. Never written after construction.
 */
final class StatelessEntry extends Invocation {
    final SiteChain chain;

    StatelessEntry(SiteChain chain) {
        this.chain = chain;
        this.stateless = true;
        this.judgesResult = chain.judgesResult;
    }
}
