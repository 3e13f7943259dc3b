package dev.bulwark.agent.reactive;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.SubmissionPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReactiveTypeTest {
    @Test
    void recognisesEachSupportedTypeByNameAndWhetherItHasAtMostOneItem() {
        assertThat(ReactiveType.named("reactor.core.publisher.Mono").single()).isTrue();
        assertThat(ReactiveType.named("reactor.core.publisher.Flux").single()).isFalse();
        assertThat(ReactiveType.named("io.reactivex.rxjava3.core.Single").single()).isTrue();
        assertThat(ReactiveType.named("io.reactivex.rxjava3.core.Maybe").single()).isTrue();
        assertThat(ReactiveType.named("io.reactivex.rxjava3.core.Completable").single()).isTrue();
        assertThat(ReactiveType.named("io.reactivex.rxjava3.core.Flowable").single()).isFalse();
        assertThat(ReactiveType.named("io.reactivex.rxjava3.core.Observable").single()).isFalse();
        assertThat(ReactiveType.named("io.smallrye.mutiny.Uni").single()).isTrue();
        assertThat(ReactiveType.named("io.smallrye.mutiny.Multi").single()).isFalse();
    }

    @Test
    void otherTypesAreNotReactiveEvenPublishersOfOtherLibraries() {
        assertThat(ReactiveType.named("org.reactivestreams.Publisher")).isNull();
        assertThat(ReactiveType.named("io.reactivex.Single")).as("RxJava 2").isNull();
        assertThat(ReactiveType.named("java.util.concurrent.CompletionStage")).isNull();
    }

    @Test
    void aLoaderWithoutTheLibraryIsReportedWithTheTypeTheSiteAndWhereTheSupportedVersionsAre() throws Exception {
        ReactiveType mono = ReactiveType.named("reactor.core.publisher.Mono");
        // The agent compiles against reactor-core, so this test's own loader has it: the site comes from one without.
        URL classes = ReactiveTypeTest.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutReactor = new URLClassLoader(new URL[]{classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> site = withoutReactor.loadClass(ReactiveTypeTest.class.getName());

            assertThatThrownBy(() -> mono.fromFlow(new SubmissionPublisher<>(), site))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot adapt reactor.core.publisher.Mono for " + site.getName())
                    .hasMessageContaining("docs/reactive.md");
        }
    }
}
