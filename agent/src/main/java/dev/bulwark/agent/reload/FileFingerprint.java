package dev.bulwark.agent.reload;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * What a config file held when last looked at. The content itself is compared, not the modification time,
 * whose resolution (a second, on some file systems) could hide an edit made right after the last check.
 */
final class FileFingerprint {
    private static final FileFingerprint MISSING = new FileFingerprint(null);

    private final byte[] content;

    private FileFingerprint(byte[] content) {
        this.content = content;
    }

    static FileFingerprint of(File file) {
        try {
            return new FileFingerprint(Files.readAllBytes(file.toPath()));
        } catch (IOException | SecurityException e) {
            return MISSING;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileFingerprint && Arrays.equals(content, ((FileFingerprint) o).content);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(content);
    }
}
