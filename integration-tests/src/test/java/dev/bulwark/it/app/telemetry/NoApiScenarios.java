package dev.bulwark.it.app.telemetry;

import dev.bulwark.it.app.Report;

/** The workload in a JVM whose class path has no opentelemetry-api: only an agent can record it. */
public final class NoApiScenarios {
    private NoApiScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(NoApiScenarios.class, args);
    }

    public static void workload() throws InterruptedException {
        Workload.run();
        Report.put("done", true);
    }
}
