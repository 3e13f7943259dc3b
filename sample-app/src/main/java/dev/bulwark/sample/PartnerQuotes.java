package dev.bulwark.sample;

import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Scope;

/**
 * Quotes from a partner whose API allows five calls every ten seconds to all our instances together. With
 * {@code BULWARK_REDIS} set (bulwark.conf passes it on as {@code bulwark.redis.uri}), every instance shares the
 * limit through Redis; without, each instance limits itself. An interface, so that only the variant in use is
 * ever loaded (and woven): an instance without Redis loads nothing of the Redis client.
 */
public interface PartnerQuotes {
    String REDIS = System.getenv("BULWARK_REDIS");

    static PartnerQuotes create() {
        return REDIS == null || REDIS.isBlank() ? new Local() : new Shared();
    }

    /** One line on how the limit is shared, for the start-up output. */
    String scope();

    String quote(String sku);

    static String body(String sku) {
        return "{\"sku\":\"" + sku + "\",\"quote\":" + (10 + Math.abs(sku.hashCode() % 90)) + "}";
    }

    final class Local implements PartnerQuotes {
        @Override
        public String scope() {
            return "partner quotes: 5 every 10s for this instance alone (set BULWARK_REDIS=redis://host:6379 to share"
                    + " the limit with every instance through Redis)";
        }

        @Override
        @RateLimited(name = "partner-quotes", permits = 5, period = "10s")
        public String quote(String sku) {
            return body(sku);
        }
    }

    final class Shared implements PartnerQuotes {
        @Override
        public String scope() {
            return "partner quotes: 5 every 10s for every instance together, counted in Redis at " + REDIS
                    + " (each instance limits itself while Redis cannot answer)";
        }

        @Override
        @RateLimited(name = "partner-quotes", permits = 5, period = "10s", scope = Scope.CLUSTER)
        public String quote(String sku) {
            return body(sku);
        }
    }
}
