package dev.bulwark.it.app.isolated;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.annotations.Timeout;

import java.util.function.Supplier;

/** Loaded by an isolated URLClassLoader that has its own copy of the annotations. */
public class IsolatedService implements Supplier<String> {
    @Timeout("100ms")
    String slow() throws InterruptedException {
        Thread.sleep(60_000);
        return "slept";
    }

    @Override
    public String get() {
        try {
            return slow();
        } catch (TimeoutExceededException e) {
            return "caught " + e.getClass().getName() + " from " + e.getClass().getClassLoader();
        } catch (InterruptedException e) {
            return "interrupted without a TimeoutExceededException";
        }
    }
}
