package dev.bulwark.agent.reactive;

import org.junit.jupiter.api.Test;

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
    void aLoaderWithoutTheLibraryIsReportedWithTheTypeTheSiteAndWhereTheSupportedVersionsAre() {
        ReactiveType mono = ReactiveType.named("reactor.core.publisher.Mono");

        assertThatThrownBy(() -> mono.fromFlow(new SubmissionPublisher<>(), ReactiveTypeTest.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot adapt reactor.core.publisher.Mono for " + ReactiveTypeTest.class.getName())
                .hasMessageContaining("docs/reactive.md");
    }
}
