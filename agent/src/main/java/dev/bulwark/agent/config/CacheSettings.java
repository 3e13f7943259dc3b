package dev.bulwark.agent.config;

import java.nio.file.Path;

/** The cache of woven classes ({@code bulwark.cache}), read when the agent starts. */
public final class CacheSettings {
    private final boolean enabled;
    private final Path directory;
    private final long maxBytes;

    CacheSettings(boolean enabled, Path directory, long maxBytes) {
        this.enabled = enabled;
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    public boolean enabled() {
        return enabled;
    }

    public Path directory() {
        return directory;
    }

    /** The size the cache's entries may take together; the least recently used go beyond it. */
    public long maxBytes() {
        return maxBytes;
    }
}
