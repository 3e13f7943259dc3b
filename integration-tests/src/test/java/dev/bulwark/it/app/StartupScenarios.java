package dev.bulwark.it.app;

/** Scenarios about what the agent does before and when the first protected class loads. Itself unprotected. */
public final class StartupScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(StartupScenarios.class, args);
    }

    public static void firstProtectedClassLoadsLate() throws Exception {
        Report.put("phase", "nothing protected loaded yet");
        Class<?> lazilyWoven = Class.forName("dev.bulwark.it.app.LazilyWoven");
        Report.put("phase", "protected class loaded");
        Report.put("outcome", Report.outcome(() -> lazilyWoven.getMethod("flaky").invoke(null)));
    }
}
