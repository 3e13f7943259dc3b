package dev.bulwark.agent.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Defines the classes every application loader must share — the bridge ({@code dev.bulwark.agent.bootstrap}),
 * the public exceptions and operator types ({@code dev.bulwark}) and the annotations — in the bootstrap loader,
 * straight from the agent jar, without putting the jar on the bootstrap search path.
 *
 * <p>A jar on that path, whether the manifest's {@code Boot-Class-Path} puts it there or the agent appends it,
 * changes the JVM's boot class path: a class data sharing archive or an AOT cache made without exactly that path
 * is then refused, and one appended at run time turns sharing off for the application's loaders. Defined this
 * way, the classes are the bootstrap loader's as before, and the archives and caches of the application stay in
 * use (docs/operations.md). The JDK's own {@code Unsafe.defineClass} is the one way to define a class in the
 * bootstrap loader without its search path; its package is opened to the agent's own loader only, never to the
 * application's.
 */
public final class BootstrapClasses {
    /** The manifest attribute naming the shared classes' entries, separated by spaces. */
    static final String CLASSES_ATTRIBUTE = "Bulwark-Bootstrap-Classes";
    private static final String[] ROOTS = {"dev/bulwark/agent/bootstrap/", "dev/bulwark/annotations/", "dev/bulwark/"};

    private BootstrapClasses() {
    }

    /**
     * Defines the shared classes of {@code agentJar}, unless an earlier start of the agent in this JVM did.
     *
     * @throws Throwable when they cannot be defined; the agent then does not start
     */
    public static void define(Instrumentation instrumentation, File agentJar) throws Throwable {
        Map<String, byte[]> classes = read(agentJar);
        if (alreadyDefined(classes.keySet().iterator().next())) {
            return;
        }
        Module javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc",
                Set.of(BootstrapClasses.class.getModule())), Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        MethodHandle defineClass = MethodHandles.lookup().findVirtual(unsafeType, "defineClass",
                MethodType.methodType(Class.class, String.class, byte[].class, int.class, int.class,
                        ClassLoader.class, ProtectionDomain.class)).bindTo(unsafe);
        Map<String, Class<?>> defined = new LinkedHashMap<>();
        for (String name : classes.keySet()) {
            defineWithSupertypes(name, classes, defined, defineClass);
        }
    }

    /**
     * A class's supertypes must exist before it is defined, and the bootstrap loader could not find ours by
     * itself: the one it misses is defined first.
     */
    private static void defineWithSupertypes(String name, Map<String, byte[]> classes, Map<String, Class<?>> defined,
                                             MethodHandle defineClass) throws Throwable {
        while (!defined.containsKey(name)) {
            byte[] bytes = classes.get(name);
            try {
                defined.put(name, (Class<?>) defineClass.invoke(name, bytes, 0, bytes.length, null, null));
            } catch (NoClassDefFoundError missing) {
                String supertype = missing.getMessage() == null ? "" : missing.getMessage().replace('/', '.');
                if (!classes.containsKey(supertype) || defined.containsKey(supertype)) {
                    throw missing;
                }
                defineWithSupertypes(supertype, classes, defined, defineClass);
            }
        }
    }

    private static boolean alreadyDefined(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * The shared classes' bytes by class name, the bridge first. The build names them in the manifest
     * ({@value #CLASSES_ATTRIBUTE}): walking the jar's thousands of entries to find them was a measurable part of
     * the agent's start.
     */
    private static Map<String, byte[]> read(File agentJar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(agentJar, false)) {
            Manifest manifest = jar.getManifest();
            String listed = manifest == null ? null : manifest.getMainAttributes().getValue(CLASSES_ATTRIBUTE);
            if (listed == null) {
                throw new IOException(agentJar + " names no shared classes in its manifest (" + CLASSES_ATTRIBUTE + ")");
            }
            List<String> paths = Arrays.asList(listed.trim().split(" "));
            for (String root : ROOTS) {
                for (String path : paths) {
                    if (path.startsWith(root) && path.endsWith(".class") && path.indexOf('/', root.length()) < 0) {
                        JarEntry entry = jar.getJarEntry(path);
                        if (entry == null) {
                            throw new IOException(agentJar + " lacks " + path + ", which its manifest names");
                        }
                        try (InputStream in = jar.getInputStream(entry)) {
                            classes.putIfAbsent(path.substring(0, path.length() - ".class".length()).replace('/', '.'),
                                    in.readAllBytes());
                        }
                    }
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IOException(agentJar + " holds none of Bulwark's shared classes");
        }
        return classes;
    }
}
