package dev.bulwark.agent.weave;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte Buddy's type pools, with the types every woven class refers to — {@code java.*} and Bulwark's
 * annotations — described once for the whole JVM instead of once per woven class. Re-reading and re-parsing
 * the annotation types and their enums from each class's loader was a large part of each woven class's cost
 * at start-up (docs/benchmark-history.md).
 *
 * <p>Sharing them is exact: no application loader can define a {@code java.*} class, and the agent defines
 * {@code dev.bulwark.annotations} in the bootstrap loader, which every parent-first loader asks first. Their
 * class files are read from the bootstrap loader, or else from the system class path, which holds the agent
 * jar (the bootstrap loader serves no class file of the classes the agent defined there). A name they do
 * not have falls through to the woven class's own loader, as before.
 */
final class BootTypesFirst implements AgentBuilder.PoolStrategy {
    /** The one of the JVM: weaving a class and planning one from the cache describe the same types from it. */
    static final BootTypesFirst SHARED = new BootTypesFirst();
    private static final String ANNOTATIONS = "dev.bulwark.annotations.";

    private final TypePool sharedTypes = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
            new ClassFileLocator.Compound(ClassFileLocator.ForClassLoader.ofBootLoader(),
                    ClassFileLocator.ForClassLoader.ofSystemLoader()),
            TypePool.Default.ReaderMode.FAST);
    /** Bulwark's annotation types as described to every pool, each with its methods listed once. */
    private final Map<String, TypePool.Resolution> annotationTypes = new ConcurrentHashMap<>();
    private final TypePool parent = new TypePool() {
        @Override
        public Resolution describe(String name) {
            if (name.startsWith(ANNOTATIONS)) {
                Resolution known = annotationTypes.get(name);
                return known != null ? known : listedOnce(name);
            }
            if (name.startsWith("java.")) {
                Resolution resolution = sharedTypes.describe(name);
                if (resolution.isResolved()) {
                    return resolution;
                }
            }
            return new Resolution.Illegal(name);
        }

        private Resolution listedOnce(String name) {
            Resolution resolution = sharedTypes.describe(name);
            if (!resolution.isResolved()) {
                return new Resolution.Illegal(name);
            }
            Resolution listed = new Resolution.Simple(new WithListedMethods(resolution.resolve()));
            Resolution raced = annotationTypes.putIfAbsent(name, listed);
            return raced == null ? listed : raced;
        }

        @Override
        public void clear() {
            // The shared types never change.
        }
    };

    private BootTypesFirst() {
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), classFileLocator,
                TypePool.Default.ReaderMode.FAST, parent);
    }

    /**
     * As {@link #typePool}, but a type the locator lacks is described as a public class extending {@code Object}
     * instead of failing: Byte Buddy needs every type of every method's signature to weave a class, and one
     * method naming a library that is not deployed must not leave the whole class unprotected. Only for a class
     * whose weaving failed so; the methods naming such a type are not woven.
     */
    TypePool standingInForAbsentTypes(ClassFileLocator classFileLocator) {
        return new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), classFileLocator,
                TypePool.Default.ReaderMode.FAST, parent) {
            @Override
            protected Resolution doResolve(String name) {
                Resolution resolution = super.doResolve(name);
                return resolution.isResolved() ? resolution : new Resolution.Simple(new TypeDescription.Latent(name,
                        Opcodes.ACC_PUBLIC, TypeDescription.Generic.OfNonGenericType.ForLoadedType.of(Object.class)));
            }
        };
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        return typePool(classFileLocator, classLoader);
    }

    /**
     * A type whose methods are described once. Byte Buddy reads an annotation's attribute left at its default by
     * looking the attribute up among the annotation type's methods, which a type from a pool describes anew at
     * every look-up: reading one annotation cost the square of its attributes in method descriptions, for every
     * protected method planned.
     */
    private static final class WithListedMethods extends TypeDescription.AbstractBase.OfSimpleType.WithDelegation {
        private final TypeDescription described;
        private volatile MethodList<MethodDescription.InDefinedShape> methods;

        WithListedMethods(TypeDescription described) {
            this.described = described;
        }

        @Override
        protected TypeDescription delegate() {
            return described;
        }

        @Override
        public String getName() {
            return described.getName();
        }

        @Override
        public MethodList<MethodDescription.InDefinedShape> getDeclaredMethods() {
            MethodList<MethodDescription.InDefinedShape> listed = methods;
            if (listed == null) {
                listed = new MethodList.Explicit<>(new ArrayList<>(described.getDeclaredMethods()));
                methods = listed;
            }
            return listed;
        }
    }
}
