package dev.bulwark.agent.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@code instrument} entries have matched a class and a method so far, so that an entry that matched
 * nothing (a typo in a package name, a renamed method) is reported, once. Entries are known by their text and
 * position, so the same entry read again by a reload is the same entry.
 */
public final class InstrumentMatches {
    private final Set<String> matchedClass = ConcurrentHashMap.newKeySet();
    private final Set<String> matchedMethod = ConcurrentHashMap.newKeySet();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    public void classMatched(InstrumentRule rule) {
        matchedClass.add(rule.describe());
    }

    public void methodMatched(InstrumentRule rule) {
        matchedMethod.add(rule.describe());
    }

    /** One message for each of {@code rules} that has matched no method and was not reported before. */
    public List<String> unreportedMisses(Collection<InstrumentRule> rules) {
        List<String> misses = new ArrayList<>();
        for (InstrumentRule rule : rules) {
            String entry = rule.describe();
            if (!matchedMethod.contains(entry) && reported.add(entry)) {
                misses.add(entry + (matchedClass.contains(entry)
                        ? " matched classes but none of their methods: check the method pattern"
                        : " has matched no class loaded so far: check the class pattern (classes are matched as they load)"));
            }
        }
        return misses;
    }
}
