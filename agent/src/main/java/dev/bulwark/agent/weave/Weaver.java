package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.config.BuiltInDefaults;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.CacheSettings;
import dev.bulwark.agent.config.InstrumentRule;
import dev.bulwark.agent.config.InstrumentMatches;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Installs the class file transformer: a class is woven when one of its methods, or the class itself, carries
 * a Bulwark annotation, or the config selects it. Each protected method gets the inline {@link BulwarkAdvice}
 * with its own call-site id as a constant.
 *
 * <p>Every class the JVM loads is first judged from its raw bytes here, with nothing but the JDK; Byte Buddy
 * ({@link ByteBuddyWeaving}, some 1,100 classes that load and run cold) is only built when a class may need
 * weaving, so an application with nothing to protect never pays for it. A class loaded for the first time is
 * looked up in the {@link WovenClassCache} first: on a hit it is defined as an earlier JVM wove it, with this
 * JVM's site ids, and Byte Buddy is not built for it.
 */
public final class Weaver {
    /** What the cache gives for a class the weaver leaves as it is. */
    private static final byte[] LEFT_AS_IS = new byte[0];
    private static final byte[] ANNOTATION_PACKAGE = "Ldev/bulwark/annotations/".getBytes(StandardCharsets.US_ASCII);
    /**
     * Never woven, whatever the config selects: the agent itself (the classes Byte Buddy is built from load
     * through this transformer too), Bulwark's annotation types (which name each other, and would otherwise
     * build Byte Buddy for nothing when the config or the application loads one), the JDK, and the
     * OpenTelemetry agent.
     */
    static final List<String> NEVER_WOVEN = List.of("dev.bulwark.agent.", "dev.bulwark.shaded.", "dev.bulwark.annotations.",
            "java.", "jdk.", "sun.", "com.sun.", "io.opentelemetry.javaagent.");
    private static final List<String> NEVER_WOVEN_INTERNAL = internalNames(NEVER_WOVEN);

    private final CallSites sites;
    private final InstrumentMatches matches = new InstrumentMatches();
    /** Made with Byte Buddy's side, before any class is woven; reading annotations takes Byte Buddy. */
    private volatile SitePlanner planner;
    /**
     * Weaving holds the read side while it plans, weaves and defines a class's sites; a reload holds the write side
     * while it swaps the config and re-resolves every site, so no class is woven with the old config and then
     * missed by the reload. Read locks are re-entrant, so a class loaded while another is woven cannot block.
     */
    private final ReadWriteLock reloadLock = new ReentrantReadWriteLock();
    /**
     * The config of the classes woven from now on; null only while the built-in defaults are still being read
     * beside the application's start-up ({@link BuiltInDefaults}), which select no class by name. The first
     * class to be woven waits for them in {@link #underCurrentConfig}.
     */
    private volatile BulwarkConfig config;
    private final CompletableFuture<BulwarkConfig> initialConfig;
    /** Set once the transformer is installed, if the JVM lets classes be retransformed: reloads weave through it. */
    private volatile Instrumentation retransforming;
    private final Function<Weaver, ClassFileTransformer> byteBuddy;
    /** Opened with the config the first class to protect is woven under; null when off or refused. */
    private WovenClassCache cache;
    private volatile boolean cacheOpened;
    /**
     * The lookup that just missed on this thread, whose key keeping the woven class reuses rather than digest the
     * class file again; a class loaded meanwhile on the thread replaces it, and its key is then computed anew.
     */
    private final ThreadLocal<Missed> missed = new ThreadLocal<>();
    /** Opened by the first class with sites defined from the cache, whose planning will need Byte Buddy. */
    private final CountDownLatch firstWithSites = new CountDownLatch(1);

    /** @param config the config at start-up, possibly still being read */
    public Weaver(CompletableFuture<BulwarkConfig> config, CallSites sites) {
        // A lambda, not a method reference: linking a method reference would load ByteBuddyWeaving, and with it
        // Byte Buddy, right here at start-up.
        this(config, sites, weaver -> ByteBuddyWeaving.transformer(weaver));
    }

    /** @param byteBuddy builds the transformer the prefilter hands classes to, at the first that needs it */
    Weaver(CompletableFuture<BulwarkConfig> config, CallSites sites, Function<Weaver, ClassFileTransformer> byteBuddy) {
        this.initialConfig = config;
        this.config = config.getNow(null);
        this.sites = sites;
        this.byteBuddy = byteBuddy;
    }

    /** Which {@code instrument} entries have matched so far. */
    public InstrumentMatches instrumentMatches() {
        return matches;
    }

    /**
     * Makes {@code next} the config of every class woven from now on, re-resolves every woven method against
     * it, and weaves again the loaded classes whose selected methods it changes ({@link LoadedClassReweaving}).
     *
     * @return how many call sites changed: resolved to other policies, or woven by the reload
     */
    public int reconfigure(BulwarkConfig next) {
        sites.noteChanges();
        int changed;
        try {
            applyAndReweave(next);
        } finally {
            changed = sites.changesNoted();
        }
        return changed;
    }

    private void applyAndReweave(BulwarkConfig next) {
        BulwarkConfig previous;
        reloadLock.writeLock().lock();
        try {
            previous = config == null ? initialConfig.getNow(null) : config;
            config = next;
            SitePlanner woven = planner;
            if (woven != null) {
                sites.reconfigure(site -> woven.replan(site, next));
            }
        } finally {
            reloadLock.writeLock().unlock();
        }
        Instrumentation instrumentation = retransforming;
        if (instrumentation != null && previous != null) {
            // Outside the lock: retransforming runs this weaver's transformer, on this thread, where the sites
            // it weaves are noted.
            LoadedClassReweaving.reweave(instrumentation, previous, next);
        }
    }

    /**
     * @param attached whether the agent was attached to a running JVM, whose already loaded classes must be
     *                 woven now; at start-up ({@code premain}) only the application's own classes are yet to come
     */
    public void install(Instrumentation instrumentation, boolean attached) {
        boolean retransformable = instrumentation.isRetransformClassesSupported();
        if (attached) {
            ByteBuddyWeaving.installRetransforming(this, instrumentation);
        } else {
            // Retransformation capable, so that a class woven again after a reload starts from its original
            // bytes: the bytes given to a later retransformation already carry what incapable transformers did.
            instrumentation.addTransformer(prefilter(), retransformable);
            AgentThreads.start("bulwark-cache-warm-up", this::warmUpForCache);
        }
        if (retransformable) {
            retransforming = instrumentation;
        }
    }

    /** A loop, not a stream: the agent's start-up would spin the stream's lambdas on the application's main thread. */
    private static List<String> internalNames(List<String> packagePrefixes) {
        List<String> internal = new ArrayList<>();
        for (String prefix : packagePrefixes) {
            internal.add(prefix.replace('.', '/'));
        }
        return internal;
    }

    /** Whether the class, named as in a class file ({@code java/lang/String}), is one {@link #NEVER_WOVEN}. */
    static boolean neverWoven(String internalName) {
        for (String prefix : NEVER_WOVEN_INTERNAL) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The transformer {@code premain} registers: the raw-bytes prefilter, with Byte Buddy built behind it when needed. */
    ClassFileTransformer prefilter() {
        return new Prefilter();
    }

    boolean selectsClass(String className) {
        BulwarkConfig current = config;
        return current != null && current.selectsClass(className);
    }

    /**
     * Runs {@code weaving} with the current config, under the read side of {@link #reloadLock}, so that a reload
     * either sees the sites it defines or hands them the new config.
     */
    <T> T underCurrentConfig(Function<BulwarkConfig, T> weaving) {
        reloadLock.readLock().lock();
        try {
            BulwarkConfig current = config;
            if (current == null) {
                // Under the read lock: a reload, which takes the write lock, cannot swap in a config meanwhile.
                current = initialConfig.join();
                config = current;
            }
            return weaving.apply(current);
        } finally {
            reloadLock.readLock().unlock();
        }
    }

    CallSites sites() {
        return sites;
    }

    synchronized SitePlanner planner() {
        if (planner == null) {
            planner = new SitePlanner(matches);
        }
        return planner;
    }

    /**
     * Whether a class may need weaving, judged from its raw bytes: only a class whose constant pool names a
     * Bulwark annotation, or that the config selects by name, is handed to Byte Buddy. Parsing every class the
     * application loads to look for annotations was a measurable cost per class at start-up
     * (docs/benchmark-history.md).
     */
    boolean mayProtect(String internalName, byte[] classFile) {
        if (internalName == null || neverWoven(internalName)) {
            return false;
        }
        return contains(classFile, ANNOTATION_PACKAGE) || selectsClass(internalName.replace('/', '.'));
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        for (int i = 0; i <= last; i++) {
            if (haystack[i] == first && matchesAt(haystack, i, needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAt(byte[] haystack, int offset, byte[] needle) {
        for (int j = 1; j < needle.length; j++) {
            if (haystack[offset + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private WovenClassCache cache(BulwarkConfig config) {
        if (!cacheOpened) {
            synchronized (this) {
                if (!cacheOpened) {
                    cache = openCache(config.cache());
                    cacheOpened = true;
                }
            }
        }
        return cache;
    }

    private static WovenClassCache openCache(CacheSettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        String build;
        try {
            build = WovenClassCache.agentBuild();
        } catch (IOException | RuntimeException e) {
            BulwarkLog.warn("cache: the agent's jar cannot be read to tell its build (" + e + "); classes are woven"
                    + " without the cache");
            return null;
        }
        return build == null ? null : WovenClassCache.open(settings.directory(), settings.maxBytes(), build);
    }

    /**
     * When an earlier start left classes in the cache, which this one will likely define from it: opens it and
     * runs once, on a thread of its own while the JVM and the application start, what defining and planning
     * the first of them would otherwise run cold on the application's thread (reading the agent's build,
     * digesting a key, describing a class and its annotations with Byte Buddy). Nothing of the application is
     * touched; with an empty or no cache nothing is done, so an application with nothing to protect pays for
     * none of it. Byte Buddy is warmed up only once a class with sites is defined from the cache: a cache
     * holding other applications' classes (the default directory is shared) must not make an application with
     * nothing to protect load it.
     */
    private void warmUpForCache() {
        try {
            BulwarkConfig config = underCurrentConfig(Function.identity());
            CacheSettings settings = config.cache();
            if (settings.enabled() && WovenClassCache.holdsEntries(settings.directory())) {
                WovenClassCache opened = cache(config);
                if (opened != null) {
                    opened.key(config.fingerprint(), "", new byte[0]);
                    firstWithSites.await();
                    CachedClassPlanning.warmUp(this);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Only the first class from the cache pays for what was not warmed up.
            BulwarkLog.debug("cache: not warmed up: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The class file of a class loading for the first time, as the cache keeps it for this class file and
     * config, with this JVM's site ids, its sites left to plan ({@link PendingClassSites}); {@link #LEFT_AS_IS} when the
     * weaver leaves it as it is; null on a miss, to weave it.
     */
    private byte[] fromCache(ClassLoader loader, String internalName, byte[] classFile) {
        try {
            return underCurrentConfig(config -> {
                WovenClassCache opened = cache(config);
                if (opened == null) {
                    return null;
                }
                String fingerprint = config.fingerprint();
                byte[] key = opened.key(fingerprint, internalName, classFile);
                CachedClass cached = opened.load(key);
                if (cached == null) {
                    missed.set(new Missed(classFile, fingerprint, key));
                    return null;
                }
                return defineFromCache(loader, internalName, classFile, cached, config);
            });
        } catch (RuntimeException e) {
            BulwarkLog.errorOnce("cache " + internalName, "cache: " + internalName + " could not be defined from the"
                    + " cache and is woven instead: " + e, e);
            return null;
        }
    }

    private byte[] defineFromCache(ClassLoader loader, String internalName, byte[] classFile, CachedClass cached,
                                   BulwarkConfig config) {
        String className = internalName.replace('/', '.');
        cached.reports.forEach(BulwarkLog::replay);
        if (cached.woven == null) {
            BulwarkLog.debug("left " + className + " as it is, from the cache");
            return LEFT_AS_IS;
        }
        int[] ids = new int[cached.siteKeys.size()];
        Map<String, Integer> byMethod = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sites.reserve(loader, cached.siteKeys.get(i));
            byMethod.put(cached.methodKeys.get(i), ids[i]);
        }
        byte[] patched = SiteIdConstants.patch(cached.woven, cached.placeholderBase, ids);
        noteInstrumentMatches(className, cached.methodKeys, config);
        firstWithSites.countDown();
        PendingClassSites pending = new PendingClassSites(this, loader, className, classFile, byMethod);
        for (int id : ids) {
            sites.definePending(id, pending);
            if (BulwarkLog.isDebug()) {
                BulwarkLog.debug("site " + id + " of " + className + " defined from the cache"
                        + " (" + sites.size() + " sites in use)");
            }
        }
        BulwarkLog.debug("defined " + className + " from the cache, " + ids.length + " site(s) planned at their"
                + " first call");
        return patched;
    }

    /** As planning the class would, so that an {@code instrument} entry it matches is not reported as unmatched. */
    private void noteInstrumentMatches(String className, List<String> methodKeys, BulwarkConfig config) {
        for (InstrumentRule rule : config.instrumentRules()) {
            if (rule.matchesClass(className)) {
                matches.classMatched(rule);
                for (String key : methodKeys) {
                    if (rule.matchesMethod(key.substring(0, key.indexOf('(')))) {
                        matches.methodMatched(rule);
                    }
                }
            }
        }
    }

    /**
     * Keeps what weaving a class loading for the first time gave, under the config it was woven with: its sites
     * in the order of their placeholders, {@code woven} with placeholders, or nothing when it has no site, and
     * what weaving it reported.
     */
    void keep(String internalName, byte[] classFile, BulwarkConfig config, ClassWeaving weaving, byte[] woven,
              List<String> reports) {
        WovenClassCache opened = cache(config);
        if (opened == null) {
            return;
        }
        try {
            List<ClassWeaving.PlannedSite> wovenSites = weaving.wovenSites();
            List<String> siteKeys = new ArrayList<>();
            wovenSites.forEach(site -> siteKeys.add(site.siteKey));
            CachedClass entry = wovenSites.isEmpty() ? new CachedClass(0, List.of(), List.of(), null, reports)
                    : new CachedClass(weaving.placeholderBase(), weaving.wovenKeys(), siteKeys, woven, reports);
            opened.store(keyOf(opened, internalName, classFile, config.fingerprint()), entry);
        } catch (RuntimeException e) {
            // The class is woven all the same; only the next start weaves it again.
            BulwarkLog.errorOnce("cache " + internalName, "cache: " + internalName + " could not be kept: " + e, e);
        }
    }

    /** The key the lookup that missed computed, if it was for these very bytes under this config, else a new one. */
    private byte[] keyOf(WovenClassCache opened, String internalName, byte[] classFile, String fingerprint) {
        Missed lookup = missed.get();
        return lookup != null && lookup.classFile == classFile && lookup.fingerprint.equals(fingerprint) ? lookup.key
                : opened.key(fingerprint, internalName, classFile);
    }

    /** A class file the cache did not have, and the key it was looked up under. */
    private static final class Missed {
        final byte[] classFile;
        final String fingerprint;
        final byte[] key;

        Missed(byte[] classFile, String fingerprint, byte[] key) {
            this.classFile = classFile;
            this.fingerprint = fingerprint;
            this.key = key;
        }
    }

    /** Hands Byte Buddy only the classes {@link #mayProtect} lets through, and builds it for the first of them. */
    private final class Prefilter implements ClassFileTransformer {
        private volatile ClassFileTransformer weaving;

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
            if (!mayProtect(internalName, classFile)) {
                return null;
            }
            if (redefined == null) {
                byte[] cached = fromCache(loader, internalName, classFile);
                if (cached != null) {
                    return cached == LEFT_AS_IS ? null : cached;
                }
            }
            try {
                return weaving().transform(module, loader, internalName, redefined, domain, classFile);
            } finally {
                missed.remove();
            }
        }

        private ClassFileTransformer weaving() {
            ClassFileTransformer built = weaving;
            if (built == null) {
                synchronized (this) {
                    built = weaving;
                    if (built == null) {
                        built = buildByteBuddy();
                        weaving = built;
                    }
                }
            }
            return built;
        }

        /** Byte Buddy, or, when it cannot be built, a transformer that leaves every class as it is. */
        private ClassFileTransformer buildByteBuddy() {
            try {
                return byteBuddy.apply(Weaver.this);
            } catch (RuntimeException | LinkageError e) {
                BulwarkLog.error("cannot start weaving; every class loads unprotected: " + e, e);
                return new ClassFileTransformer() {
                };
            }
        }
    }
}
