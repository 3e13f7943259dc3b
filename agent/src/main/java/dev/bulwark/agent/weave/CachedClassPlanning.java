package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.SiteDefinition;
import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Retry;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

import java.util.Map;

/**
 * Plans the sites of a class defined from the cache as {@link ByteBuddyWeaving} plans a class it weaves: the
 * same description of the same class file, from the same loader, through the same planner, under the live
 * config. Only Byte Buddy's type descriptions are needed for it, not its weaving.
 */
final class CachedClassPlanning {
    /** Described as the weaving describes them, from the same pool: {@code java.*} and the annotations once for the JVM. */
    private static final BootTypesFirst TYPES = BootTypesFirst.SHARED;

    private CachedClassPlanning() {
    }

    /**
     * Runs what planning the first class from the cache runs cold — Byte Buddy describing a class file, its
     * methods and their annotations, the annotations turned into config blocks — on {@link Sample}, a class of
     * the agent's own, so that it is loaded and warm when the application's first class comes.
     */
    static void warmUp(Weaver weaver) {
        weaver.planner();
        String name = Sample.class.getName();
        TypeDescription type = TYPES.typePool(ClassFileLocator.ForClassLoader.of(CachedClassPlanning.class.getClassLoader()),
                null).describe(name).resolve();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            SitePlanner.key(method);
            for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
                AnnotationBlocks.toConfig(annotation, name);
            }
        }
    }

    /** Described by {@link #warmUp}, never loaded: a method with the annotations a protected one carries. */
    static final class Sample {
        @Retry(maxAttempts = 2)
        @CircuitBreaker
        void call() {
        }
    }

    static void define(Weaver weaver, ClassLoader loader, String className, byte[] original, Map<String, Integer> ids) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(className, original),
                ClassFileLocator.ForClassLoader.of(loader));
        TypeDescription type = TYPES.typePool(locator, loader).describe(className).resolve();
        SitePlanner planner = weaver.planner();
        // What planning reports was reported when the class was defined, from the cache entry.
        BulwarkLog.muted(() -> weaver.underCurrentConfig(config -> {
            for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
                Integer id = ids.get(SitePlanner.key(method));
                if (id == null) {
                    continue;
                }
                SiteDefinition site = planner.plan(type, method, config, loader);
                if (site != null) {
                    weaver.sites().define(id, site);
                    if (BulwarkLog.isDebug()) {
                        BulwarkLog.debug("planned " + site.policies() + " as site " + id + " of a class from the cache");
                    }
                }
            }
            return null;
        }));
    }
}
