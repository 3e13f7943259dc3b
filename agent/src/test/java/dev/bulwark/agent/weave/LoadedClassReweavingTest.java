package dev.bulwark.agent.weave;

import dev.bulwark.agent.config.BulwarkConfig;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Which loaded classes a reload weaves again, and that one refusal does not stop the rest. */
class LoadedClassReweavingTest {
    /** Selects every class by name; the JDK's and Bulwark's own are never woven all the same. */
    private static final String SELECT_ALL = "[{ class = \"**\", method = \"fetch*\", retry { max-attempts = %d } }]";
    /** Loaded classes outside the packages never woven: one the JVM refuses to retransform, one it takes. */
    private static final Class<?> REFUSING = Assertions.class;
    private static final Class<?> SELECTED = Test.class;

    private final List<Class<?>> retransformed = new ArrayList<>();
    private int enumerations;

    @Test
    void classesWhoseSelectedMethodsChangedAreWovenAgainOneAtATimePastARefusal() {
        List<String> rewoven = LoadedClassReweaving.reweave(instrumentation(), config("[]"), config(String.format(SELECT_ALL, 3)));

        assertThat(retransformed).containsExactly(REFUSING, SELECTED);
        assertThat(rewoven).containsExactly(SELECTED.getName());
    }

    @Test
    void classesWhosePoliciesAloneChangedAreLeftToTheReloadInPlace() {
        List<String> rewoven = LoadedClassReweaving.reweave(instrumentation(), config(String.format(SELECT_ALL, 3)),
                config(String.format(SELECT_ALL, 5)));

        assertThat(retransformed).isEmpty();
        assertThat(rewoven).isEmpty();
        assertThat(enumerations).as("loaded classes looked through").isZero();
    }

    @Test
    void classesNoLongerSelectedAreWovenAgainToo() {
        List<String> rewoven = LoadedClassReweaving.reweave(instrumentation(), config(String.format(SELECT_ALL, 3)), config("[]"));

        assertThat(rewoven).containsExactly(SELECTED.getName());
    }

    private Instrumentation instrumentation() {
        Class<?>[] loaded = {String.class, REFUSING, SELECTED, Weaver.class};
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Instrumentation.class},
                (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "getAllLoadedClasses":
                            enumerations++;
                            return loaded.clone();
                        case "isModifiableClass":
                            return true;
                        case "retransformClasses":
                            Class<?> type = ((Class<?>[]) arguments[0])[0];
                            retransformed.add(type);
                            if (type == REFUSING) {
                                throw new UnmodifiableClassException(type.getName());
                            }
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static BulwarkConfig config(String instrument) {
        Properties properties = new Properties();
        properties.setProperty("bulwark.instrument", instrument);
        return BulwarkConfig.load(null, LoadedClassReweavingTest.class.getClassLoader(), properties, Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                });
    }
}
