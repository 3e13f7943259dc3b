package dev.bulwark.agent.weave;

import dev.bulwark.agent.runtime.BulwarkLog;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * Woven classes kept on disk across JVMs, one file per class, named by the digest of everything its weaving
 * depends on ({@link #key}). Whoever can write the directory could put code into every application started
 * with the agent, so the directory and each entry must be writable by their owner only; anything else is
 * refused, as are entries that do not read back whole. Every failure falls back to weaving.
 */
final class WovenClassCache {
    private static final int MAGIC = 0x42574331;
    private static final String SUFFIX = ".woven";
    /** The manifest attribute the build writes the digest of the agent's contents to. */
    static final String BUILD_ATTRIBUTE = "Bulwark-Build";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;
    private final long maxBytes;
    /** The agent's build and the Java version: another of either may weave differently. */
    private final String build;
    /** The entries' total size once known (-1 before the first store), to evict beyond {@link #maxBytes}. */
    private final AtomicLong totalBytes = new AtomicLong(-1);
    /** Cleared at the first write that fails, which is the only one reported. */
    private final AtomicBoolean writable = new AtomicBoolean(true);

    private WovenClassCache(Path directory, long maxBytes, String build) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.build = build;
    }

    /** The cache in {@code directory}, created owner-only if missing; null, after one warning, if it is refused. */
    static WovenClassCache open(Path directory, long maxBytes, String build) {
        try {
            if (!Files.isDirectory(directory)) {
                createOwnerOnly(directory);
            }
            if (othersCanWrite(directory)) {
                BulwarkLog.warn("cache: " + directory + " is writable by others than its owner, who could put code"
                        + " into the application through it; it is not used (bulwark.cache.dir; chmod 700 it)");
                return null;
            }
            String owner = ownerOf(directory);
            String user = System.getProperty("user.name", "");
            if (owner != null && !owner.equals(user)) {
                BulwarkLog.warn("cache: " + directory + " belongs to " + owner + ", not to " + user + " who runs this JVM,"
                        + " and its owner could put code into the application through it; it is not used (bulwark.cache.dir)");
                return null;
            }
        } catch (IOException | RuntimeException e) {
            BulwarkLog.warn("cache: " + directory + " cannot be used (" + e + "); classes are woven without it (bulwark.cache.dir)");
            return null;
        }
        return new WovenClassCache(directory, maxBytes, build);
    }

    /** Whether {@code directory} holds an entry, as it does once an earlier start kept a class there. */
    static boolean holdsEntries(Path directory) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            return entries.iterator().hasNext();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void createOwnerOnly(Path directory) throws IOException {
        if (supportsPosix(directory.getParent())) {
            try {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (FileAlreadyExistsException raced) {
                // Created meanwhile by another JVM: its permissions are checked next, as any directory's.
            }
        } else {
            Files.createDirectories(directory);
        }
    }

    private static boolean supportsPosix(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null || Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }

    /** The owner's user name where the file system has POSIX owners, null elsewhere. */
    private static String ownerOf(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        return view == null ? null : view.readAttributes().owner().getName();
    }

    private static boolean othersCanWrite(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return false;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        return permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * The agent's build, as the digest of all its classes and resources the build puts into its jar's manifest
     * ({@value #BUILD_ATTRIBUTE}), and the JVM's version: either may weave differently. Null when the agent runs
     * from classes outside a jar (its own tests), which have no build to tell.
     *
     * @throws IOException when the jar cannot be read or its manifest names no build
     */
    static String agentBuild() throws IOException {
        URL self = WovenClassCache.class.getResource(WovenClassCache.class.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            return null;
        }
        try {
            File jarFile = new File(((JarURLConnection) self.openConnection()).getJarFileURL().toURI());
            String build;
            try (JarFile jar = new JarFile(jarFile, false)) {
                Manifest manifest = jar.getManifest();
                build = manifest == null ? null : manifest.getMainAttributes().getValue(BUILD_ATTRIBUTE);
            }
            if (build == null || build.isBlank()) {
                throw new IOException(jarFile + " names no build in its manifest (" + BUILD_ATTRIBUTE + ")");
            }
            return build.trim() + " " + System.getProperty("java.vm.version", "") + " " + System.getProperty("java.vm.vendor", "");
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The digest an entry is kept under: of the agent's build, the config, and the class's name and bytes. */
    static byte[] key(String build, String configFingerprint, String internalName, byte[] classFile) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {build, configFingerprint, internalName}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(intBytes(bytes.length));
                digest.update(bytes);
            }
            digest.update(classFile);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    byte[] key(String configFingerprint, String internalName, byte[] classFile) {
        return key(build, configFingerprint, internalName, classFile);
    }

    private static byte[] intBytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** The entry kept under {@code key}, or null when there is none or it cannot be trusted or read back whole. */
    CachedClass load(byte[] key) {
        Path entry = entry(key);
        byte[] bytes;
        try {
            if (othersCanWrite(entry)) {
                BulwarkLog.warnOnce("cache entry writable", "cache: " + entry + " is writable by others than its owner;"
                        + " such entries are not used, their classes are woven again");
                return null;
            }
            bytes = Files.readAllBytes(entry);
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException | RuntimeException e) {
            BulwarkLog.warnOnce("cache read", "cache: cannot read " + entry + " (" + e + "); its class is woven again");
            return null;
        }
        CachedClass cached = decode(bytes, key);
        if (cached == null) {
            BulwarkLog.warnOnce("cache corrupt", "cache: " + entry + " is truncated or corrupt; its class is woven"
                    + " again and the entry replaced");
            return null;
        }
        touch(entry);
        return cached;
    }

    /** Marks the entry as just used, for the eviction of the least recently used. */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            // Only its place in the eviction order is lost.
        }
    }

    /** Keeps {@code cached} under {@code key}, atomically; a failure (a full disk, say) is reported once and ends storing. */
    void store(byte[] key, CachedClass cached) {
        if (!writable.get()) {
            return;
        }
        byte[] bytes = encode(key, cached);
        Path entry = entry(key);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "entry-", ".tmp", ownerOnlyFile());
            try (OutputStream out = Files.newOutputStream(temporary)) {
                out.write(bytes);
            }
            Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
        } catch (IOException | RuntimeException e) {
            if (writable.getAndSet(false)) {
                BulwarkLog.warn("cache: cannot write to " + directory + " (" + e + "); classes are woven without"
                        + " keeping them until the JVM restarts (bulwark.cache.dir)");
            }
            return;
        } finally {
            deleteQuietly(temporary);
        }
        added(bytes.length);
    }

    private FileAttribute<?>[] ownerOnlyFile() {
        return Files.getFileAttributeView(directory, PosixFileAttributeView.class) == null ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)};
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException | RuntimeException e) {
                // A stray temporary file is never read: entries are only found under their digest.
            }
        }
    }

    /** Counts an entry just written, and evicts the least recently used entries once all exceed the bound. */
    private void added(long size) {
        if (totalBytes.get() < 0) {
            totalBytes.compareAndSet(-1, sizeOfEntries());
        } else {
            totalBytes.addAndGet(size);
        }
        if (totalBytes.get() > maxBytes) {
            evict();
        }
    }

    private long sizeOfEntries() {
        long total = 0;
        for (Path entry : entries()) {
            try {
                total += Files.size(entry);
            } catch (IOException | RuntimeException e) {
                // Gone meanwhile: another JVM evicted it.
            }
        }
        return total;
    }

    private synchronized void evict() {
        List<Path> entries = entries();
        List<Object[]> byUse = new ArrayList<>();
        long total = 0;
        for (Path entry : entries) {
            try {
                long size = Files.size(entry);
                byUse.add(new Object[] {entry, Files.getLastModifiedTime(entry), size});
                total += size;
            } catch (IOException | RuntimeException e) {
                // Gone meanwhile.
            }
        }
        byUse.sort(Comparator.comparing(used -> (FileTime) used[1]));
        for (Object[] used : byUse) {
            if (total <= maxBytes) {
                break;
            }
            deleteQuietly((Path) used[0]);
            total -= (Long) used[2];
        }
        totalBytes.set(total);
    }

    private List<Path> entries() {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException e) {
            // Nothing to count or evict this time.
        }
        return entries;
    }

    private Path entry(byte[] key) {
        StringBuilder name = new StringBuilder();
        for (byte b : key) {
            name.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return directory.resolve(name.append(SUFFIX).toString());
    }

    static byte[] encode(byte[] key, CachedClass cached) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(MAGIC);
            out.write(key);
            out.writeInt(cached.placeholderBase);
            out.writeInt(cached.methodKeys.size());
            for (int i = 0; i < cached.methodKeys.size(); i++) {
                out.writeUTF(cached.methodKeys.get(i));
                out.writeUTF(cached.siteKeys.get(i));
            }
            out.writeInt(cached.woven == null ? -1 : cached.woven.length);
            if (cached.woven != null) {
                out.write(cached.woven);
            }
            out.writeInt(cached.reports.size());
            for (String report : cached.reports) {
                byte[] utf8 = report.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(buffer.toByteArray());
            out.writeLong(crc.getValue());
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
    }

    /** The entry, or null when it is not one written under {@code key}, whole. */
    static CachedClass decode(byte[] bytes, byte[] key) {
        if (bytes.length < 8 + key.length) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            in.skipBytes(bytes.length - 8);
            if (in.readLong() != crc.getValue()) {
                return null;
            }
            in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
            byte[] stored = new byte[key.length];
            if (in.readInt() != MAGIC) {
                return null;
            }
            in.readFully(stored);
            if (!Arrays.equals(stored, key)) {
                return null;
            }
            int base = in.readInt();
            int count = in.readInt();
            if (count < 0 || count > SiteIdConstants.RANGE) {
                return null;
            }
            List<String> methodKeys = new ArrayList<>();
            List<String> siteKeys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                methodKeys.add(in.readUTF());
                siteKeys.add(in.readUTF());
            }
            int length = in.readInt();
            byte[] woven = null;
            if (length >= 0) {
                woven = new byte[length];
                in.readFully(woven);
            }
            int reportCount = in.readInt();
            if (reportCount < 0 || reportCount > bytes.length) {
                return null;
            }
            List<String> reports = new ArrayList<>();
            for (int i = 0; i < reportCount; i++) {
                int reportLength = in.readInt();
                if (reportLength < 0 || reportLength > bytes.length) {
                    return null;
                }
                byte[] utf8 = new byte[reportLength];
                in.readFully(utf8);
                reports.add(new String(utf8, StandardCharsets.UTF_8));
            }
            if (in.available() != 0) {
                return null;
            }
            return new CachedClass(base, methodKeys, siteKeys, woven, reports);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
