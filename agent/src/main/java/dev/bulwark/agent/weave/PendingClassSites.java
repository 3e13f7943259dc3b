package dev.bulwark.agent.weave;

import dev.bulwark.agent.runtime.BulwarkLog;

import java.lang.ref.WeakReference;
import java.util.Map;

/**
 * The sites of a class defined from the cache, planned once, under the config then in force, as they would have
 * been while it was woven: by the first call of one of its protected methods, another call coming meanwhile
 * waiting for it, or by a listing of the sites. Nothing here names Byte Buddy: defining a class from the cache
 * builds nothing of it on the class-loading path.
 */
final class PendingClassSites implements Runnable {
    private final Weaver weaver;
    /** Weak: a site never called must not keep its application's class loader, and with it its classes, alive. */
    private final WeakReference<ClassLoader> loader;
    private final boolean bootLoader;
    private final String className;
    private final Map<String, Integer> ids;
    /** The class file as it was before weaving, which is planned from; dropped once planned. */
    private byte[] original;
    private Thread planning;

    /** @param ids the site id of each woven method, by name and descriptor */
    PendingClassSites(Weaver weaver, ClassLoader loader, String className, byte[] original, Map<String, Integer> ids) {
        this.weaver = weaver;
        this.loader = new WeakReference<>(loader);
        this.bootLoader = loader == null;
        this.className = className;
        this.original = original;
        this.ids = ids;
    }

    /**
     * Plans and defines the class's sites, once; a call that comes while another thread plans them waits for it.
     * A call that reaches a protected method of the same class while it is planned, on the planning thread (from
     * a class initialiser the planning ran), runs unprotected.
     */
    @Override
    public synchronized void run() {
        if (original == null || planning == Thread.currentThread()) {
            return;
        }
        ClassLoader definedBy = loader.get();
        if (definedBy == null && !bootLoader) {
            original = null;
            return;
        }
        planning = Thread.currentThread();
        try {
            CachedClassPlanning.define(weaver, definedBy, className, original, ids);
        } catch (RuntimeException | LinkageError e) {
            BulwarkLog.errorOnce("plan " + className, "could not plan " + className + " defined from the cache;"
                    + " its methods run unprotected: " + e, e);
        } finally {
            planning = null;
            original = null;
        }
    }
}
