package dev.bulwark.agent.weave;

import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * After a reload, weaves again the loaded classes whose methods the config now selects differently (an
 * {@code instrument} entry or a {@code methods} entry added, removed or pointed at other methods), as if they
 * were loaded under the new config. Retransformation starts from each class's original bytes, so a class is
 * never woven twice; a method no longer selected runs as it was written, and calls already in flight finish
 * with the code they started in.
 */
final class LoadedClassReweaving {
    private static final int NAMES_LOGGED = 10;

    private LoadedClassReweaving() {
    }

    /** @return the classes woven again */
    static List<String> reweave(Instrumentation instrumentation, BulwarkConfig previous, BulwarkConfig next) {
        if (previous.selectsAlike(next)) {
            // The common reload, a policy tuned: no need to go through every class the JVM has loaded.
            return List.of();
        }
        List<Class<?>> due = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            String name = type.getName();
            if ((previous.selectsClass(name) || next.selectsClass(name)) && !Weaver.neverWoven(name.replace('.', '/'))
                    && !previous.methodSelectors(name).equals(next.methodSelectors(name))
                    && instrumentation.isModifiableClass(type)) {
                due.add(type);
            }
        }
        List<String> rewoven = new ArrayList<>();
        for (Class<?> type : due) {
            // One at a time: a class that cannot be retransformed must not keep the others from it.
            try {
                instrumentation.retransformClasses(type);
                rewoven.add(type.getName());
            } catch (Throwable failure) {
                BulwarkLog.error("config reload: could not weave " + type.getName() + " again; it keeps its code until"
                        + " it is loaded again: " + failure, failure);
            }
        }
        if (!rewoven.isEmpty()) {
            BulwarkLog.info("config reload: woven again " + rewoven.size() + " loaded class"
                    + (rewoven.size() == 1 ? "" : "es") + " whose selected methods changed: "
                    + String.join(", ", rewoven.subList(0, Math.min(NAMES_LOGGED, rewoven.size())))
                    + (rewoven.size() > NAMES_LOGGED ? ", ..." : ""));
        }
        return rewoven;
    }
}
