package dev.bulwark.agent.policy.circuitbreaker;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe listener that keeps every transition in order and counts outcomes. */
final class RecordingListener implements CircuitBreakerListener {
    private final ConcurrentLinkedQueue<String> transitions = new ConcurrentLinkedQueue<>();
    private final Map<CallOutcome, LongAdder> outcomes = new EnumMap<>(CallOutcome.class);

    RecordingListener() {
        for (CallOutcome outcome : CallOutcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    @Override
    public void onTransition(String name, CircuitState from, CircuitState to) {
        transitions.add(from + "->" + to);
    }

    @Override
    public void onOutcome(String name, CallOutcome outcome) {
        outcomes.get(outcome).increment();
    }

    List<String> transitions() {
        return new ArrayList<>(transitions);
    }

    long count(String transition) {
        return transitions.stream().filter(transition::equals).count();
    }

    long outcomes(CallOutcome outcome) {
        return outcomes.get(outcome).sum();
    }

    void clear() {
        transitions.clear();
        outcomes.values().forEach(LongAdder::reset);
    }
}
