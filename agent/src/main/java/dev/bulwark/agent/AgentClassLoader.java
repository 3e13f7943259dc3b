package dev.bulwark.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's runtime and its relocated dependencies from the {@code inst/} folder of the agent jar,
 * where class files are stored as {@code .classdata} so that no application loader, and no class path
 * scanner, ever finds them. In an application its parent is the platform loader, so the runtime sees the JDK and
 * the bootstrap bridge but nothing of the application; the attach command ({@code cli.Main}) gives it the system
 * loader, which holds the jar's root classes and the JDK's attach API.
 */
public final class AgentClassLoader extends ClassLoader {
    private static final String PREFIX = "inst/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;

    public AgentClassLoader(File agentJar, ClassLoader parent) throws IOException {
        super("bulwark", parent);
        this.jar = new JarFile(agentJar, false);
        this.jarUrl = "jar:" + agentJar.toURI() + "!/";
    }

    /**
     * The runtime's own classes are looked up in the jar first: asking the JDK's loaders first, as a class
     * loader does by default, had each of them answer the ~1,000 classes of the runtime and Byte Buddy with a
     * ClassNotFoundException, stack trace included, at start-up.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!isRuntimeClass(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                JarEntry entry = jar.getJarEntry(classEntryName(name));
                if (entry == null) {
                    return super.loadClass(name, resolve);
                }
                loaded = define(name, entry);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    /** Under {@code inst/}: the runtime and its relocated dependencies, never the bridge the bootstrap loader holds. */
    private static boolean isRuntimeClass(String name) {
        return name.startsWith("dev.bulwark.shaded.")
                || name.startsWith("dev.bulwark.agent.") && !name.startsWith("dev.bulwark.agent.bootstrap.");
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(classEntryName(name));
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        return define(name, entry);
    }

    private static String classEntryName(String className) {
        return PREFIX + className.replace('.', '/') + ".classdata";
    }

    private Class<?> define(String name, JarEntry entry) {
        byte[] bytes = read(entry);
        definePackageOf(name);
        return defineClass(name, bytes, 0, bytes.length);
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String packageName = className.substring(0, dot);
            if (getDefinedPackage(packageName) == null) {
                try {
                    definePackage(packageName, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException concurrentlyDefined) {
                    // Another thread defined it first: that is all we wanted.
                }
            }
        }
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            return null;
        }
        try {
            return new URL(jarUrl + entry.getName());
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            return super.getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    private static String entryName(String resource) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        return PREFIX + (path.endsWith(".class") ? path.substring(0, path.length() - ".class".length()) + ".classdata" : path);
    }

    private byte[] read(JarEntry entry) {
        try (InputStream in = jar.getInputStream(entry)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, (int) entry.getSize()));
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.getName() + " from the Bulwark agent jar", e);
        }
    }
}
