package dev.bulwark.agent.weave;

import java.util.List;

/**
 * A class as the weaver left it, kept across JVMs: its woven class file with placeholders for the site ids
 * ({@link SiteIdConstants}), and the sites in the order of their placeholders; no class file when the class
 * stays as it is.
 */
final class CachedClass {
    final int placeholderBase;
    /** Each woven method's name and descriptor, {@code call(I)V}. */
    final List<String> methodKeys;
    /** Each woven method's site key, {@code com.acme.Service#call(I)V}, which its id is kept by. */
    final List<String> siteKeys;
    /** Null when the weaver leaves the class as it is. */
    final byte[] woven;
    /** What weaving it reported (a fallback that does not fit, say), level first, to report again. */
    final List<String> reports;

    CachedClass(int placeholderBase, List<String> methodKeys, List<String> siteKeys, byte[] woven, List<String> reports) {
        if (methodKeys.size() != siteKeys.size() || methodKeys.size() > SiteIdConstants.RANGE || (woven == null) != methodKeys.isEmpty()) {
            throw new IllegalArgumentException("inconsistent cached class");
        }
        this.placeholderBase = placeholderBase;
        this.methodKeys = List.copyOf(methodKeys);
        this.siteKeys = List.copyOf(siteKeys);
        this.woven = woven;
        this.reports = List.copyOf(reports);
    }
}
