package dev.bulwark.agent.policy.circuitbreaker;

final class CircuitBreakerJmxBean implements CircuitBreakerMBean {
    private final CircuitBreaker breaker;

    CircuitBreakerJmxBean(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    @Override
    public String getState() {
        return breaker.state().name();
    }

    @Override
    public float getFailureRate() {
        return breaker.metrics().failureRate();
    }

    @Override
    public float getSlowCallRate() {
        return breaker.metrics().slowCallRate();
    }

    @Override
    public long getBufferedCalls() {
        return breaker.metrics().bufferedCalls();
    }

    @Override
    public long getFailedCalls() {
        return breaker.metrics().failedCalls();
    }

    @Override
    public long getSlowCalls() {
        return breaker.metrics().slowCalls();
    }

    @Override
    public long getNotPermittedCalls() {
        return breaker.metrics().notPermittedCalls();
    }

    @Override
    public void forceOpen() {
        breaker.forceOpen();
    }

    @Override
    public void disable() {
        breaker.disable();
    }

    @Override
    public void reset() {
        breaker.reset();
    }
}
