package dev.bulwark.it.app;

import dev.bulwark.RateLimitedException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running JVM the attach command is pointed at: a legacy export job hammers a method without annotations in a
 * loop, and commands from standard input, one per line, answer with {@code @@ key=value} lines and {@code done <n>}.
 */
public final class AttachScenarios {
    private static final int BURST = 20;
    private static final AtomicLong jobRejections = new AtomicLong();

    private AttachScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(AttachScenarios.class, args);
    }

    /** The method the emergency is about: legacy code, no annotations, called as fast as the job can. */
    public static final class LegacyExport {
        static final AtomicLong rows = new AtomicLong();

        static long exportRow() {
            return rows.incrementAndGet();
        }
    }

    /**
     * Commands: {@code burst <key>} calls the export {@value #BURST} times at once and reports how many calls
     * were permitted and how many rate-limited; {@code jobRejected <key>} waits until the job has seen a
     * rejection and reports how many; {@code quit} ends.
     */
    public static void serve() throws Exception {
        Thread job = new Thread(AttachScenarios::exportJob, "export-job");
        job.setDaemon(true);
        job.start();
        System.out.println("serving");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int done = 0;
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] command = line.split(" ");
            switch (command[0]) {
                case "burst":
                    Report.put(command[1], burst());
                    break;
                case "jobRejected":
                    Report.put(command[1], awaitJobRejection());
                    break;
                default:
                    Report.put("unknownCommand", line);
            }
            System.out.println("done " + ++done);
            System.out.flush();
        }
    }

    private static void exportJob() {
        while (true) {
            try {
                LegacyExport.exportRow();
            } catch (RateLimitedException e) {
                jobRejections.incrementAndGet();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String burst() {
        int permitted = 0;
        int limited = 0;
        for (int i = 0; i < BURST; i++) {
            try {
                LegacyExport.exportRow();
                permitted++;
            } catch (RateLimitedException e) {
                limited++;
            }
        }
        return "permitted:" + permitted + ",limited:" + limited;
    }

    private static long awaitJobRejection() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jobRejections.get() == 0 && System.nanoTime() - end < 0) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return jobRejections.get();
    }
}
