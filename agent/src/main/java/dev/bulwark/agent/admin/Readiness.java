package dev.bulwark.agent.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Readiness from the breakers named in {@code bulwark.admin.readiness-breakers}: ready while none of them is OPEN.
 * A named breaker that does not exist yet (its first call has not happened, or the name is misspelt) counts as
 * not OPEN: a service must not stay unready until traffic reaches a dependency it cannot receive while unready.
 */
final class Readiness {
    private Readiness() {
    }

    /**
     * The names in {@code required} that are OPEN, in their order; empty means ready.
     *
     * @param openNow the names of the breakers OPEN now, in any scope
     */
    static List<String> openOnes(Collection<String> required, Set<String> openNow) {
        List<String> open = new ArrayList<>();
        for (String name : required) {
            if (openNow.contains(name)) {
                open.add(name);
            }
        }
        return open;
    }
}
