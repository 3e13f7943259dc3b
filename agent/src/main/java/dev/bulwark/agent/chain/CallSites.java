package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.bulkhead.ThreadPoolBulkhead;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;

/**
 * Call-site id to chain. Woven code carries its site id as a constant, so the hot path is one volatile
 * array read and an index, never a map look-up. Sites are added at weave time and replaced by a config
 * reload, both under this object's lock.
 */
public final class CallSites {
    private final PolicyRegistry registry;
    private final CallObserver observer;
    private volatile SiteChain[] chains = new SiteChain[64];
    private SiteDefinition[] definitions = new SiteDefinition[64];
    private int count;
    /**
     * The id of each method woven so far, per class loader (weakly: an undeployed application's loader goes),
     * so that a class woven again keeps its methods' ids instead of adding sites at every retransformation.
     */
    private final Map<ClassLoader, Map<String, Integer>> idsByLoader = new WeakHashMap<>();
    private final Map<String, Integer> bootstrapIds = new HashMap<>();
    /** The sites changed on a thread that is {@link #noteChanges noting changes}. */
    private final ThreadLocal<Set<Integer>> changesNoted = new ThreadLocal<>();

    public CallSites(PolicyRegistry registry) {
        this(registry, CallObserver.NONE);
    }

    /** @param observer gives each chain the counts it records into */
    public CallSites(PolicyRegistry registry, CallObserver observer) {
        this.registry = registry;
        this.observer = observer;
    }

    /**
     * The id of {@code method} (its class's name, its name and descriptor) as defined by {@code loader}: a new
     * id the first time, afterwards the same, so that a class woven again keeps its methods' ids. A class is
     * woven again when a reload changes what selects its methods, or when any agent retransforms it.
     *
     * <p>The id has no site until {@link #define}: a call through it runs unprotected, and a reload passes it
     * by. The id of a method left out of its class's weaving (its code too large once woven, say) stays so:
     * no call goes through it, and it holds no policy, so it shows in no metric or MBean.
     */
    public synchronized int reserve(ClassLoader loader, String method) {
        Map<String, Integer> ids = loader == null ? bootstrapIds : idsByLoader.computeIfAbsent(loader, l -> new HashMap<>());
        Integer known = ids.get(method);
        if (known != null) {
            return known;
        }
        SiteChain[] current = chains;
        if (count == current.length) {
            chains = Arrays.copyOf(current, current.length * 2);
            definitions = Arrays.copyOf(definitions, current.length * 2);
        }
        ids.put(method, count);
        return count++;
    }

    /** Gives the reserved id {@code site} its definition, in place of any it had. */
    public synchronized void define(int site, SiteDefinition definition) {
        SiteDefinition before = definitions[site];
        if (before == null || !definition.policies().equals(before.policies())) {
            noteChange(site);
        }
        SiteChain[] current = chains;
        SiteChain replaced = current[site];
        current[site] = new SiteChain(site, definition, registry, observer);
        definitions[site] = definition;
        // The volatile write publishes the new element even when the array itself is unchanged.
        chains = current;
        if (replaced != null && replaced.threadPool != null) {
            retireUnusedThreadPools();
        }
    }

    /**
     * Starts noting, on this thread, each site whose chain changes, re-resolved or woven; a reload notes both
     * what it resolves anew and what its retransformation weaves. {@link #changesNoted} ends it.
     */
    public void noteChanges() {
        changesNoted.set(new HashSet<>());
    }

    /** How many distinct sites changed on this thread since {@link #noteChanges}. */
    public int changesNoted() {
        Set<Integer> changed = changesNoted.get();
        changesNoted.remove();
        return changed == null ? 0 : changed.size();
    }

    private void noteChange(int site) {
        Set<Integer> changed = changesNoted.get();
        if (changed != null) {
            changed.add(site);
        }
    }

    /**
     * Resolves every site again with {@code resolver} (which returns its argument when nothing changed).
     * When any site changed, every chain is rebuilt, so that sites sharing a named policy keep sharing one
     * instance (the registry keeps the instance whose settings did not change, and its state with it), and all
     * new chains are published by one volatile write: no call sees half a reload, and calls in flight finish
     * with the chain they started with.
     *
     * @return how many sites changed
     */
    public synchronized int reconfigure(UnaryOperator<SiteDefinition> resolver) {
        SiteDefinition[] next = new SiteDefinition[count];
        int changed = 0;
        for (int site = 0; site < count; site++) {
            next[site] = definitions[site] == null ? null : resolver.apply(definitions[site]);
            if (next[site] != definitions[site]) {
                changed++;
                noteChange(site);
            }
        }
        if (changed == 0) {
            return 0;
        }
        registry.beginReload();
        SiteChain[] rebuilt = new SiteChain[chains.length];
        for (int site = 0; site < count; site++) {
            rebuilt[site] = next[site] == null ? null : new SiteChain(site, next[site], registry, observer);
        }
        System.arraycopy(next, 0, definitions, 0, count);
        chains = rebuilt;
        retireUnusedThreadPools();
        return changed;
    }

    /** Shuts down the thread pools no site runs on any more, now that no new call can reach them. */
    private void retireUnusedThreadPools() {
        Set<ThreadPoolBulkhead> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
        SiteChain[] current = chains;
        for (int site = 0; site < count; site++) {
            if (current[site] != null && current[site].threadPool != null) {
                inUse.add(current[site].threadPool);
            }
        }
        registry.retireThreadPools(inUse);
    }

    SiteChain get(int site) {
        SiteChain[] current = chains;
        return site >= 0 && site < current.length ? current[site] : null;
    }
}
