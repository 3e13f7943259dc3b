package dev.bulwark.agent.weave;

import dev.bulwark.agent.config.BulwarkConfig;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The cache of woven classes on disk, its keys, and the site ids patched into what it keeps. */
class WovenClassCacheTest {
    private static final byte[] CLASS_FILE = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};

    @TempDir
    Path dir;

    @Test
    void anotherClassFileConfigOrAgentBuildIsAnotherKey() {
        byte[] key = WovenClassCache.key("build-1", "config-1", "com/acme/A", CLASS_FILE);

        assertThat(WovenClassCache.key("build-1", "config-1", "com/acme/A", CLASS_FILE.clone())).isEqualTo(key);
        byte[] changed = CLASS_FILE.clone();
        changed[4]++;
        assertThat(WovenClassCache.key("build-1", "config-1", "com/acme/A", changed)).isNotEqualTo(key);
        assertThat(WovenClassCache.key("build-1", "config-2", "com/acme/A", CLASS_FILE)).isNotEqualTo(key);
        assertThat(WovenClassCache.key("build-2", "config-1", "com/acme/A", CLASS_FILE)).isNotEqualTo(key);
        assertThat(WovenClassCache.key("build-1", "config-1", "com/acme/B", CLASS_FILE)).isNotEqualTo(key);
    }

    @Test
    void theConfigFingerprintChangesWithWhatSelectsOrTunesMethodsButNotWithTheCacheSettings() {
        String base = config(Map.of()).fingerprint();

        assertThat(config(Map.of()).fingerprint()).isEqualTo(base);
        assertThat(config(Map.of("bulwark.cache.max-size", "1M", "bulwark.cache.dir", dir.toString())).fingerprint())
                .isEqualTo(base);
        assertThat(config(Map.of("bulwark.defaults.retry.max-attempts", "7")).fingerprint()).isNotEqualTo(base);
    }

    @Test
    void aConfigFileIsDigestedEvenWhenItChangesNothingAndADifferentFileGivesADifferentFingerprint() throws Exception {
        String builtIn = config(Map.of()).fingerprint();
        Path same = Files.writeString(dir.resolve("same.conf"), "bulwark { }");
        Path other = Files.writeString(dir.resolve("other.conf"), "bulwark.defaults.retry.max-attempts = 7");

        String sameFile = config(Map.of("bulwark.config", same.toString())).fingerprint();
        String otherFile = config(Map.of("bulwark.config", other.toString())).fingerprint();

        assertThat(sameFile).isNotEqualTo(builtIn).isEqualTo(config(Map.of("bulwark.config", same.toString())).fingerprint());
        assertThat(otherFile).isNotEqualTo(sameFile).isNotEqualTo(builtIn);
    }

    @Test
    void anEntryReadsBackAsWrittenInAnOwnerOnlyDirectoryAndFile() throws Exception {
        Path cacheDir = dir.resolve("a/cache");
        WovenClassCache cache = WovenClassCache.open(cacheDir, 1 << 20, "build");
        byte[] key = cache.key("config", "com/acme/A", CLASS_FILE);
        assertThat(cache.load(key)).isNull();

        cache.store(key, cached(new byte[] {1, 2, 3}));

        CachedClass read = cache.load(key);
        assertThat(read.placeholderBase).isEqualTo(0x5EED0000);
        assertThat(read.methodKeys).containsExactly("call()V");
        assertThat(read.siteKeys).containsExactly("com.acme.A#call()V");
        assertThat(read.woven).containsExactly(1, 2, 3);
        assertThat(read.reports).containsExactly("WARN a report");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir))).isEqualTo("rwx------");
        assertThat(onlyEntry(cacheDir)).satisfies(entry ->
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry))).isEqualTo("rw-------"));
    }

    @Test
    void aTruncatedOrAlteredEntryIsAMiss() throws Exception {
        WovenClassCache cache = WovenClassCache.open(dir, 1 << 20, "build");
        byte[] key = cache.key("config", "com/acme/A", CLASS_FILE);
        cache.store(key, cached(new byte[] {1, 2, 3}));
        Path entry = onlyEntry(dir);
        byte[] whole = Files.readAllBytes(entry);

        Files.write(entry, Arrays.copyOf(whole, whole.length - 3));
        assertThat(cache.load(key)).isNull();
        byte[] altered = whole.clone();
        altered[whole.length / 2] ^= 1;
        Files.write(entry, altered);
        assertThat(cache.load(key)).isNull();
        assertThat(WovenClassCache.decode(whole, WovenClassCache.key("other", "config", "com/acme/A", CLASS_FILE)))
                .as("an entry under another key").isNull();
    }

    @Test
    void aDirectoryOrEntryOthersCanWriteIsRefused() throws Exception {
        WovenClassCache cache = WovenClassCache.open(dir, 1 << 20, "build");
        byte[] key = cache.key("config", "com/acme/A", CLASS_FILE);
        cache.store(key, cached(new byte[] {1}));
        Files.setPosixFilePermissions(onlyEntry(dir), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(cache.load(key)).isNull();

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(WovenClassCache.open(dir, 1 << 20, "build")).isNull();
    }

    /** Its owner could write it, whatever its permissions say. Only root can give a directory away to test it. */
    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory to another user");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));

        assertThat(WovenClassCache.open(theirs, 1 << 20, "build")).isNull();
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNotUsed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        assertThat(WovenClassCache.open(file.resolve("cache"), 1 << 20, "build")).isNull();
    }

    /** A full disk, say: the class is woven all the same, and nothing more is tried. */
    @Test
    void aWriteThatFailsKeepsNothingAndThrowsNothing() throws Exception {
        Path cacheDir = dir.resolve("gone");
        WovenClassCache cache = WovenClassCache.open(cacheDir, 1 << 20, "build");
        Files.delete(cacheDir);
        byte[] key = cache.key("config", "com/acme/A", CLASS_FILE);

        cache.store(key, cached(new byte[] {1}));
        Files.createDirectory(cacheDir);
        cache.store(key, cached(new byte[] {1}));

        assertThat(cache.load(key)).as("no write tried after the first failed").isNull();
    }

    @Test
    void beyondItsBoundTheLeastRecentlyUsedEntriesGo() throws Exception {
        WovenClassCache probe = WovenClassCache.open(dir.resolve("probe"), 1 << 20, "build");
        probe.store(probe.key("c", "com/acme/A", CLASS_FILE), cached(new byte[100]));
        long entrySize = Files.size(onlyEntry(dir.resolve("probe")));

        WovenClassCache cache = WovenClassCache.open(dir.resolve("lru"), 3 * entrySize, "build");
        byte[][] keys = new byte[4][];
        for (int i = 0; i < 3; i++) {
            keys[i] = cache.key("c", "com/acme/C" + i, CLASS_FILE);
            cache.store(keys[i], cached(new byte[100]));
        }
        try (var entries = Files.list(dir.resolve("lru"))) {
            long[] minute = {0};
            entries.sorted().forEach(entry -> {
                try {
                    Files.setLastModifiedTime(entry, FileTime.fromMillis(1_000_000 + 60_000 * minute[0]++));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        for (int i = 0; i < 3; i++) {
            assertThat(cache.load(keys[i])).as("entry " + i).isNotNull();
        }
        Thread.sleep(20);
        assertThat(cache.load(keys[0])).isNotNull();
        Thread.sleep(20);
        assertThat(cache.load(keys[2])).isNotNull();

        keys[3] = cache.key("c", "com/acme/C3", CLASS_FILE);
        cache.store(keys[3], cached(new byte[100]));

        assertThat(cache.load(keys[1])).as("the least recently used").isNull();
        assertThat(cache.load(keys[0])).isNotNull();
        assertThat(cache.load(keys[2])).isNotNull();
        assertThat(cache.load(keys[3])).isNotNull();
    }

    @Test
    void thePlaceholderBaseAvoidsTheClassesOwnConstantsAndPatchingPutsTheIdsInTheirPlace() throws Exception {
        int base = SiteIdConstants.placeholderBase(classReturning(0x5EED0001, 0x5EED0000));
        assertThat(base).isEqualTo(0x5EEE0000);

        byte[] patched = SiteIdConstants.patch(classReturning(base, base + 1), base, new int[] {7, 1234567});

        Class<?> defined = new ClassLoader(getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass("com.acme.Constants", patched, 0, patched.length);
            }
        }.define();
        assertThat(defined.getMethod("first").invoke(null)).isEqualTo(7);
        assertThat(defined.getMethod("second").invoke(null)).isEqualTo(1234567);
    }

    /** {@code com.acme.Constants} with {@code first()} and {@code second()} returning the two through ldc. */
    private static byte[] classReturning(int first, int second) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "com/acme/Constants", null, "java/lang/Object", null);
        int[] values = {first, second};
        String[] names = {"first", "second"};
        for (int i = 0; i < 2; i++) {
            MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, names[i], "()I", null, null);
            method.visitCode();
            method.visitLdcInsn(values[i]);
            method.visitInsn(Opcodes.IRETURN);
            method.visitMaxs(0, 0);
            method.visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static CachedClass cached(byte[] woven) {
        return new CachedClass(0x5EED0000, List.of("call()V"), List.of("com.acme.A#call()V"), woven, List.of("WARN a report"));
    }

    private static Path onlyEntry(Path cacheDir) throws Exception {
        try (var files = Files.list(cacheDir)) {
            List<Path> entries = files.filter(file -> file.toString().endsWith(".woven")).collect(java.util.stream.Collectors.toList());
            assertThat(entries).hasSize(1);
            return entries.get(0);
        }
    }

    private static BulwarkConfig config(Map<String, String> properties) {
        Properties all = new Properties();
        all.putAll(properties);
        return BulwarkConfig.load(null, WovenClassCacheTest.class.getClassLoader(), all, Map.of(), problem -> {
            throw new AssertionError(problem.toString());
        });
    }
}
