package dev.bulwark.agent.config;

import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.annotations.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.agent.config.ConfigFixture.declared;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code rate-limiter.scope} and {@code bulwark.redis} (docs/configuration.md). */
class ClusterScopeConfigTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private static RateLimiterSpec limiter(BulwarkConfig config, String block) {
        return config.resolve("com.acme.Partner", "call", declared(PolicyKind.RATE_LIMITER, block))
                .spec(PolicyKind.RATE_LIMITER, RateLimiterSpec.class);
    }

    @Test
    void aClusterScopedLimiterCarriesTheRedisSettingsAndALocalOneIsLocalByDefault() {
        BulwarkConfig config = fixture.load("bulwark.redis { uri = \"redis://redis.internal:6380/2\", timeout = 20ms,"
                + " pool-size = 4, key-prefix = \"svc:\", on-failure = reject, mode = batch }");
        RateLimiterSpec cluster = limiter(config, "{ permits = 10, scope = cluster }");
        assertThat(cluster.scope()).isEqualTo(Scope.CLUSTER);
        assertThat(cluster.redis()).isEqualTo(new RedisSettings("redis://redis.internal:6380/2",
                TimeUnit.MILLISECONDS.toNanos(20), 4, "svc:", RedisSettings.OnFailure.REJECT,
                RedisSettings.Mode.BATCH));
        assertThat(limiter(config, "{ permits = 10 }").scope()).isEqualTo(Scope.LOCAL);
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void aRetryBudgetAcceptsClusterScopeWithTheRedisSettings() {
        BulwarkConfig config = fixture.load("bulwark { redis.uri = \"redis://redis.internal:6380\",\n"
                + " retry-budgets.payments { ratio = 0.2, scope = cluster } }");
        RetryBudgetSpec budget = config.resolve("com.acme.Partner", "call",
                declared(PolicyKind.RETRY, "{ budget = payments }")).spec(PolicyKind.RETRY, RetrySpec.class).budgetSpec();
        assertThat(budget.scope()).isEqualTo(Scope.CLUSTER);
        assertThat(budget.redis().uri()).isEqualTo("redis://redis.internal:6380");
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void theBuiltInRedisSettingsAreThoseOfTheReference() {
        assertThat(fixture.load().redis()).isEqualTo(RedisSettings.DEFAULTS);
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void badRedisValuesAreReportedWithTheirKeyAndKeepTheirDefaults() {
        BulwarkConfig config = fixture.load("bulwark.redis { uri = \"http://nowhere\", timeout = 0ms,"
                + " on-failure = maybe, mode = lazy }");
        assertThat(config.redis()).isEqualTo(RedisSettings.DEFAULTS);
        assertThat(fixture.problems).extracting(Object::toString).anySatisfy(p -> assertThat(p).contains("bulwark.redis.uri"))
                .anySatisfy(p -> assertThat(p).contains("bulwark.redis.timeout"))
                .anySatisfy(p -> assertThat(p).contains("bulwark.redis.on-failure"))
                .anySatisfy(p -> assertThat(p).contains("bulwark.redis.mode"));
    }

    @Test
    void anUnknownScopeIsReported() {
        BulwarkConfig config = fixture.load();
        assertThat(limiter(config, "{ scope = global }").scope()).isEqualTo(Scope.LOCAL);
        assertThat(fixture.problems).extracting(Object::toString).anySatisfy(p -> assertThat(p).contains("scope"));
    }

    @Test
    void thePasswordOfTheUriStaysOutOfLogs() {
        RedisSettings settings = new RedisSettings("redis://app:secret@redis:6379", 1, 1, "", RedisSettings.OnFailure.LOCAL);
        assertThat(settings.toString()).doesNotContain("secret").contains("redis://***@redis:6379");
    }
}
