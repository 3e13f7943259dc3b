package dev.bulwark.agent.weave;

import com.typesafe.config.Config;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Retry;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared pool describes Bulwark's annotation types once; what is read from an annotation stays the same. */
class BootTypesFirstTest {
    static final class Annotated {
        @Retry(maxAttempts = 5, backoff = Backoff.FIXED, retryOn = IOException.class)
        @CircuitBreaker
        void call() {
        }
    }

    @Test
    void anAnnotationReadsTheSameFromTheSharedPoolAsFromAPlainOneAndItsTypeListsItsMethodsOnce() {
        ClassLoader loader = BootTypesFirstTest.class.getClassLoader();
        TypePool shared = BootTypesFirst.SHARED.typePool(ClassFileLocator.ForClassLoader.of(loader), loader);
        TypePool plain = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));

        List<Config> fromShared = blocks(shared);

        assertThat(fromShared).isEqualTo(blocks(plain));
        assertThat(fromShared.get(0).root().unwrapped()).containsOnlyKeys("max-attempts", "backoff", "retry-on");
        assertThat(fromShared.get(1).isEmpty()).isTrue();
        TypeDescription retry = shared.describe(Retry.class.getName()).resolve();
        assertThat(retry.getDeclaredMethods()).isSameAs(retry.getDeclaredMethods());
        assertThat(BootTypesFirst.SHARED.typePool(ClassFileLocator.ForClassLoader.of(loader), loader)
                .describe(Retry.class.getName()).resolve()).isSameAs(retry);
    }

    private static List<Config> blocks(TypePool pool) {
        MethodDescription.InDefinedShape call = pool.describe(Annotated.class.getName()).resolve().getDeclaredMethods()
                .filter(method -> method.getName().equals("call")).getOnly();
        List<Config> blocks = new ArrayList<>();
        for (AnnotationDescription annotation : call.getDeclaredAnnotations()) {
            blocks.add(AnnotationBlocks.toConfig(annotation, "test"));
        }
        return blocks;
    }
}
