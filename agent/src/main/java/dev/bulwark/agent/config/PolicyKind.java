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

    public static PolicyKind ofAnnotation(String annotationTypeName) {
        for (PolicyKind kind : values()) {
            if (kind.annotationType.equals(annotationTypeName)) {
                return kind;
            }
        }
        return null;
    }
}
