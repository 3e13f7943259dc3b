package dev.bulwark.agent.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdminTokenTest {
    @Test
    void withoutATokenEveryRequestIsAccepted() {
        BearerToken none = new BearerToken("");
        assertThat(none.required()).isFalse();
        assertThat(none.accepts(null)).isTrue();
        assertThat(none.accepts("Bearer whatever")).isTrue();
    }

    @Test
    void withATokenOnlyTheBearerOfThatTokenIsAccepted() {
        BearerToken token = new BearerToken("s3cret-é");
        assertThat(token.required()).isTrue();
        assertThat(token.accepts("Bearer s3cret-é")).isTrue();
        assertThat(token.accepts("bearer s3cret-é")).as("the scheme is case-insensitive").isTrue();
        assertThat(token.accepts(null)).isFalse();
        assertThat(token.accepts("")).isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
        assertThat(token.accepts("Bearer s3cret")).isFalse();
        assertThat(token.accepts("Bearer s3cret-éx")).isFalse();
        assertThat(token.accepts("Basic s3cret-é")).isFalse();
        assertThat(token.accepts("s3cret-é")).isFalse();
    }
}
