package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.runtime.BulwarkLog;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One class being woven, through the attempts that leave out, one at a time, each method that cannot be woven
 * (its code over the JVM's 64 KB limit once the advice is inlined): that method runs unprotected, the rest of
 * its class is protected. The sites are planned at the first attempt and defined once one succeeds, so a
 * method left out never has a chain, nor the shared policies, metrics and MBeans that come with one.
 */
final class ClassWeaving {
    private final BulwarkConfig config;
    private final Consumer<String> report;
    /** The protected methods by key (name and descriptor), in declaration order; null until planned. */
    private Map<String, PlannedSite> planned;
    private final Set<String> leftOut = new HashSet<>();
    /** The site ids of the methods the current attempt weaves, by key. */
    private Map<String, Integer> siteIds = Map.of();
    /** The key of the method the last attempt failed on, until it is left out. */
    private String failed;
    /** Set when an attempt failed for another cause than one method: what it gave is not kept in the cache. */
    private boolean failedWhole;
    /**
     * Set when Byte Buddy looked at the class. It does not when the class loads while its own lock is held on
     * this thread (a class loading while another is woven, or while an attach retransforms): left as it is then,
     * the class says nothing of what weaving it gives, and must not be kept as left as it is.
     */
    private boolean seen;
    /**
     * Set when a method was left out because a type of its signature is absent from its class's loader: what
     * weaving gave then depends on the loader, which the cache's key does not name, so it is not kept.
     */
    private boolean dependsOnLoader;
    /** Set when an attempt failed on a type its class's loader cannot describe, until the next one stands in for it. */
    private boolean failedOnAbsentType;
    /** Whether this attempt describes a type the loader lacks as a stand-in class, not a failure. */
    private boolean standInForAbsentTypes;
    /** The placeholder of the n-th woven method's id is this plus n ({@link SiteIdConstants}). */
    private final int placeholderBase;

    /**
     * @param report          where a method left out is reported, in one line
     * @param placeholderBase the first placeholder of a site id, free in the class's own constants
     */
    ClassWeaving(BulwarkConfig config, Consumer<String> report, int placeholderBase) {
        this.config = config;
        this.report = report;
        this.placeholderBase = placeholderBase;
    }

    BulwarkConfig config() {
        return config;
    }

    boolean isPlanned() {
        return planned != null;
    }

    void planned(Map<String, PlannedSite> sites) {
        planned = sites;
    }

    /** Reserves the ids of the methods this attempt weaves: all planned ones but those left out. */
    Map<String, Integer> reserveSites(CallSites sites, ClassLoader loader) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        planned.forEach((key, site) -> {
            if (!leftOut.contains(key)) {
                ids.put(key, sites.reserve(loader, site.siteKey));
            }
        });
        siteIds = ids;
        return ids;
    }

    /** The placeholder woven for the method's site id, patched by {@link #patchIds}. */
    int siteId(String key) {
        int index = 0;
        for (String woven : siteIds.keySet()) {
            if (woven.equals(key)) {
                return placeholderBase + index;
            }
            index++;
        }
        throw new IllegalStateException("no site reserved for " + key);
    }

    void failedWhole() {
        failedWhole = true;
    }

    void seen() {
        seen = true;
    }

    /** A method of the class, protected but for an absent type of its signature, is left unwoven. */
    void leftOutForAbsentType() {
        dependsOnLoader = true;
    }

    /**
     * Whether {@code failure}, which failed the current attempt, is Byte Buddy describing the class's methods
     * (it needs every type of their signatures) with one its loader lacks; if so the next attempt stands in for it.
     */
    boolean failedOnAbsentType(Throwable failure) {
        for (Throwable cause = failure; cause != null && !standInForAbsentTypes; cause = cause.getCause()) {
            if (cause instanceof TypePool.Resolution.NoSuchTypeException) {
                failedOnAbsentType = true;
                dependsOnLoader = true;
                return true;
            }
        }
        return false;
    }

    /** After an attempt failed on an absent type: true, and the next one describes such types as stand-ins. */
    boolean standInForAbsentTypes() {
        if (!failedOnAbsentType) {
            return false;
        }
        failedOnAbsentType = false;
        standInForAbsentTypes = true;
        return true;
    }

    boolean standsInForAbsentTypes() {
        return standInForAbsentTypes;
    }

    /**
     * Whether the class was woven, or left as it is, as it would be every time: Byte Buddy looked at it, no
     * failure, no method left out, nothing that depends on what else its loader holds.
     */
    boolean keepable() {
        return seen && !failedWhole && leftOut.isEmpty() && !dependsOnLoader;
    }

    int placeholderBase() {
        return placeholderBase;
    }

    /** The class file woven by the last attempt, with this JVM's site ids in place of their placeholders. */
    byte[] patchIds(byte[] woven) {
        int[] ids = new int[siteIds.size()];
        int index = 0;
        for (int id : siteIds.values()) {
            ids[index++] = id;
        }
        return SiteIdConstants.patch(woven, placeholderBase, ids);
    }

    /** The woven methods' sites, in the order of their placeholders. */
    List<PlannedSite> wovenSites() {
        List<PlannedSite> woven = new ArrayList<>();
        siteIds.keySet().forEach(key -> woven.add(planned.get(key)));
        return woven;
    }

    /** The woven methods' keys, in the order of their placeholders. */
    List<String> wovenKeys() {
        return new ArrayList<>(siteIds.keySet());
    }

    /**
     * Whether {@code failure}, which failed the current attempt, is a method this attempt wove growing past
     * the JVM's limit; if so it is left out of the next.
     */
    boolean failedOnOneMethod(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MethodTooLargeException) {
                MethodTooLargeException tooLarge = (MethodTooLargeException) cause;
                String key = tooLarge.getMethodName() + tooLarge.getDescriptor();
                if (siteIds.containsKey(key)) {
                    failed = key;
                    return true;
                }
            }
        }
        return false;
    }

    /** Leaves out the method the last attempt failed on, and reports it; false when it failed on none. */
    boolean leaveOutFailedMethod() {
        if (failed == null) {
            return false;
        }
        leftOut.add(failed);
        report.accept(planned.get(failed).readableName + " is not protected: its code would exceed the JVM's 64 KB"
                + " method limit once woven; the other methods of the class are");
        failed = null;
        return true;
    }

    /** Defines the sites of the methods the last attempt wove, once it succeeded; none if it never planned any. */
    void defineSites(CallSites sites, ClassLoader loader) {
        siteIds.forEach((key, id) -> {
            SiteDefinition site = planned.get(key).definition;
            sites.define(id, site);
            if (BulwarkLog.isDebug()) {
                BulwarkLog.debug("woven " + site.policies() + " as site " + id + (loader == null ? "" : " in " + loader.getClass().getName() + "@"
                        + Integer.toHexString(System.identityHashCode(loader)))
                        + " (" + sites.size() + " sites in use)");
            }
        });
    }

    /** A method to protect, as planned when its class was first described. */
    static final class PlannedSite {
        /** Its class's name, its own and its descriptor, {@code com.acme.Service#call(I)V}: what its id is kept by. */
        final String siteKey;
        /** With its parameter types, {@code com.acme.Service#call(int, java.lang.String)}, for messages. */
        final String readableName;
        final SiteDefinition definition;

        PlannedSite(String siteKey, String readableName, SiteDefinition definition) {
            this.siteKey = siteKey;
            this.readableName = readableName;
            this.definition = definition;
        }
    }
}
