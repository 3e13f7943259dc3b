package dev.bulwark.agent.config;

import java.nio.file.Path;
import java.nio.file.Paths;

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

    /** The directory {@code dir} names, {@code ~} standing for the user's home. */
    static Path directoryOf(String dir) {
        String home = System.getProperty("user.home", "");
        Path directory = dir.equals("~") || dir.startsWith("~/") ? Paths.get(home, dir.substring(1)) : Paths.get(dir);
        return directory.toAbsolutePath();
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
