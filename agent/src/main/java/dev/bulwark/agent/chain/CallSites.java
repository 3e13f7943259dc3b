package dev.bulwark.agent.chain;

import java.util.Arrays;

/**
 * Call-site id to chain. Woven code carries its site id as a constant, so the hot path is one volatile
 * array read and an index, never a map look-up. Sites are added at weave time only, under a lock.
 */
public final class CallSites {
    private final PolicyRegistry registry;
    private volatile SiteChain[] chains = new SiteChain[64];
    private int count;

    public CallSites(PolicyRegistry registry) {
        this.registry = registry;
    }

    public synchronized int register(SiteDefinition definition) {
        SiteChain chain = new SiteChain(definition, registry);
        SiteChain[] current = chains;
        if (count == current.length) {
            current = Arrays.copyOf(current, current.length * 2);
        }
        current[count] = chain;
        // The volatile write publishes the new element even when the array itself is unchanged.
        chains = current;
        return count++;
    }

    SiteChain get(int site) {
        SiteChain[] current = chains;
        return site >= 0 && site < current.length ? current[site] : null;
    }
}
