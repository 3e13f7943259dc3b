package dev.bulwark.agent.config;

/** The six policies, with the names they have in annotations and in config files. */
public enum PolicyKind {
    FALLBACK("fallback", "dev.bulwark.annotations.Fallback", false),
    RETRY("retry", "dev.bulwark.annotations.Retry", true),
    CIRCUIT_BREAKER("circuit-breaker", "dev.bulwark.annotations.CircuitBreaker", true),
    RATE_LIMITER("rate-limiter", "dev.bulwark.annotations.RateLimited", true),
    TIMEOUT("timeout", "dev.bulwark.annotations.Timeout", false),
    BULKHEAD("bulkhead", "dev.bulwark.annotations.Bulkhead", true);

    private final String configKey;
    private final String annotationType;
    private final boolean named;

    PolicyKind(String configKey, String annotationType, boolean named) {
        this.configKey = configKey;
        this.annotationType = annotationType;
        this.named = named;
    }

    /** The block name in HOCON: {@code circuit-breaker}, {@code retry}, ... */
    public String configKey() {
        return configKey;
    }

    public String annotationType() {
        return annotationType;
    }

    /** Whether a {@code name} can make several methods share this policy's state. */
    public boolean named() {
        return named;
    }

    /** The kind whose HOCON block is named {@code key}, or null. */
    public static PolicyKind ofConfigKey(String key) {
        for (PolicyKind kind : values()) {
            if (kind.configKey.equals(key)) {
                return kind;
            }
        }
        return null;
    }

    /** The block names, for messages. */
    static String configKeys() {
        StringBuilder keys = new StringBuilder();
        for (PolicyKind kind : values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(kind.configKey);
        }
        return keys.toString();
    }

    public static PolicyKind ofAnnotation(String annotationTypeName) {
        for (PolicyKind kind : values()) {
            if (kind.annotationType.equals(annotationTypeName)) {
                return kind;
            }
        }
        return null;
    }
}
