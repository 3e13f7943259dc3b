package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.bulkhead.ThreadPoolBulkhead;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * Call-site id to chain. Woven code carries its site id as a constant, so the hot path is one volatile
 * array read and an index, never a map look-up. Sites are added at weave time and replaced by a config
 * reload, both under this object's lock.
 *
 * <p>The sites of a class loader go with it: once the loader is collected, no class it defined can run, so no
 * code carrying its ids is left. Its chains and the policies of its scope are dropped then, and its ids are
 * given to the next methods woven, so the table stays as large as the classes alive at once need, however many
 * times an application server redeploys an application.
 */
public final class CallSites {
    private final PolicyRegistry registry;
    private final CallObserver observer;
    private volatile SiteChain[] chains = new SiteChain[64];
    private SiteDefinition[] definitions = new SiteDefinition[64];
    /** The scope of the class loader that defined each site's method. */
    private PolicyScope[] loaderScopes = new PolicyScope[64];
    /** Ids ever handed out; those below it that are free are in {@link #freeIds}. */
    private int count;
    private final Deque<Integer> freeIds = new ArrayDeque<>();
    /**
     * The sites of each class loader, weakly keyed: an undeployed application's loader goes. A class woven again
     * keeps its methods' ids instead of adding sites at every retransformation.
     */
    private final Map<ClassLoader, LoaderSites> byLoader = new WeakHashMap<>();
    /** Watches each loader until it is collected; a reference no longer reachable itself would never be enqueued. */
    private final Set<LoaderCollected> watched = new HashSet<>();
    private final ReferenceQueue<ClassLoader> collectedLoaders = new ReferenceQueue<>();
    private final LoaderSites bootstrapSites = new LoaderSites(PolicyScope.JVM);
    /**
     * The sites of classes defined from the cache of woven classes, not yet called: the first call through one
     * runs its resolver, which defines its class's sites under the live config.
     */
    private final Map<Integer, Runnable> pending = new HashMap<>();
    private volatile boolean anyPending;
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
        freeSitesOfCollectedLoaders();
        LoaderSites sites = loader == null ? bootstrapSites : byLoader.computeIfAbsent(loader, this::watch);
        Integer known = sites.ids.get(method);
        if (known != null) {
            return known;
        }
        int id = freeIds.isEmpty() ? newId() : freeIds.pop();
        loaderScopes[id] = sites.scope;
        sites.ids.put(method, id);
        return id;
    }

    private int newId() {
        SiteChain[] current = chains;
        if (count == current.length) {
            chains = Arrays.copyOf(current, current.length * 2);
            definitions = Arrays.copyOf(definitions, current.length * 2);
            loaderScopes = Arrays.copyOf(loaderScopes, current.length * 2);
        }
        return count++;
    }

    private LoaderSites watch(ClassLoader loader) {
        LoaderSites sites = new LoaderSites(PolicyScope.of(loader));
        watched.add(new LoaderCollected(loader, sites, collectedLoaders));
        return sites;
    }

    /** The class loaders, not yet collected, that defined a woven class; the bootstrap loader is not among them. */
    public synchronized List<ClassLoader> loaders() {
        return new ArrayList<>(byLoader.keySet());
    }

    /**
     * Hands every defined site's definition, with the label of its policies' class-loader scope (null for one that
     * lives as long as the JVM), to {@code action}, under the lock: for the admin endpoint.
     */
    public void forEachDefinition(BiConsumer<SiteDefinition, String> action) {
        resolveAllPending();
        listDefinitions(action);
    }

    private synchronized void listDefinitions(BiConsumer<SiteDefinition, String> action) {
        freeSitesOfCollectedLoaders();
        for (int id = 0; id < count; id++) {
            if (definitions[id] != null) {
                action.accept(definitions[id], loaderScopes[id] == null ? null : loaderScopes[id].label());
            }
        }
    }

    /** How many sites are in use: those of the class loaders not yet collected. */
    public synchronized int size() {
        freeSitesOfCollectedLoaders();
        return count - freeIds.size();
    }

    /**
     * Frees the sites of every class loader collected since the last call: their chains, the policies of their
     * scope, and their ids for reuse.
     */
    private void freeSitesOfCollectedLoaders() {
        boolean freed = false;
        for (Reference<? extends ClassLoader> gone = collectedLoaders.poll(); gone != null; gone = collectedLoaders.poll()) {
            LoaderSites sites = ((LoaderCollected) gone).sites;
            watched.remove(gone);
            SiteChain[] current = chains;
            for (int id : sites.ids.values()) {
                pending.remove(id);
                current[id] = null;
                definitions[id] = null;
                loaderScopes[id] = null;
                freeIds.push(id);
            }
            registry.dropScope(sites.scope);
            freed = true;
        }
        if (freed) {
            // The volatile write publishes the cleared elements.
            chains = chains;
            retireUnusedThreadPools();
        }
    }

    /**
     * Has the first call through the reserved id {@code site}, while it has no definition, run {@code resolver}
     * first, on the calling thread and outside this object's lock; the resolver defines the site, or leaves it
     * unprotected, and must not throw.
     */
    public synchronized void definePending(int site, Runnable resolver) {
        pending.put(site, resolver);
        anyPending = true;
    }

    /** Gives the reserved id {@code site} its definition, in place of any it had. */
    public synchronized void define(int site, SiteDefinition definition) {
        SiteDefinition before = definitions[site];
        if (before == null || !definition.policies().equals(before.policies())) {
            noteChange(site);
        }
        SiteChain[] current = chains;
        SiteChain replaced = current[site];
        current[site] = new SiteChain(site, definition, registry, loaderScopes[site], observer);
        definitions[site] = definition;
        // The volatile write publishes the new element even when the array itself is unchanged.
        chains = current;
        // Only once the chain is published: a caller that finds no site pending reads the chain again (see get).
        if (pending.remove(site) != null) {
            anyPending = !pending.isEmpty();
        }
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
        freeSitesOfCollectedLoaders();
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
            rebuilt[site] = next[site] == null ? null : new SiteChain(site, next[site], registry, loaderScopes[site], observer);
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
        if (site < 0 || site >= current.length) {
            return null;
        }
        SiteChain chain = current[site];
        if (chain != null) {
            return chain;
        }
        // A site leaves the pending ones only after its chain is published, which this second read then sees: a
        // class planned on another thread meanwhile is never taken for unprotected.
        return anyPending ? resolvePending(site) : chains[site];
    }

    /** Plans every site still waiting for its first call, so that a listing shows them as a miss would have. */
    private void resolveAllPending() {
        if (!anyPending) {
            return;
        }
        Set<Runnable> resolvers = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (this) {
            resolvers.addAll(pending.values());
        }
        resolvers.forEach(Runnable::run);
    }

    private SiteChain resolvePending(int site) {
        Runnable resolver;
        synchronized (this) {
            resolver = pending.get(site);
        }
        if (resolver == null) {
            // Defined by another thread since this caller looked, or never pending.
            return chains[site];
        }
        resolver.run();
        synchronized (this) {
            // Defined by now, or left unprotected: either way the site is resolved.
            pending.remove(site);
            anyPending = !pending.isEmpty();
        }
        return chains[site];
    }

    /** The ids of one class loader's methods, and the scope of their unnamed policies; never the loader itself. */
    private static final class LoaderSites {
        final PolicyScope scope;
        final Map<String, Integer> ids = new HashMap<>();

        LoaderSites(PolicyScope scope) {
            this.scope = scope;
        }
    }

    private static final class LoaderCollected extends WeakReference<ClassLoader> {
        final LoaderSites sites;

        LoaderCollected(ClassLoader loader, LoaderSites sites, ReferenceQueue<ClassLoader> queue) {
            super(loader, queue);
            this.sites = sites;
        }
    }
}
