package dev.bulwark.agent.reload;

import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.ConfigProblem;
import dev.bulwark.agent.config.InstrumentMatches;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.agent.weave.Weaver;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon thread "bulwark-config-watcher": it checks the config file every {@code reload-interval} and,
 * when its content changed, loads it again; a config without problems is swapped in behind the woven call
 * sites, one with problems is refused and the last good one stays. It also reports, once, each
 * {@code instrument} entry that matched nothing {@code unmatched-instrument-report} after start or reload.
 */
public final class ConfigWatcher implements Runnable {
    private final File file;
    private final Weaver weaver;
    private final InstrumentMatches matches;
    private final Consumer<BulwarkConfig> reloaded;
    private BulwarkConfig current;
    private FileFingerprint lastSeen;
    private long unmatchedReportAt;

    ConfigWatcher(BulwarkConfig initial, Weaver weaver, Consumer<BulwarkConfig> reloaded) {
        this.file = initial.file();
        this.weaver = weaver;
        this.reloaded = reloaded;
        this.matches = weaver.instrumentMatches();
        this.current = initial;
        this.lastSeen = file == null ? null : FileFingerprint.of(file);
        this.unmatchedReportAt = reportTime(initial, System.nanoTime());
    }

    /**
     * Starts the watcher when there is anything to watch: a config file with hot reload on, or
     * {@code instrument} entries to report on.
     *
     * @param reloaded told of every config a reload put in force, after the call sites took it
     */
    public static void start(BulwarkConfig initial, Weaver weaver, Consumer<BulwarkConfig> reloaded) {
        boolean reloads = initial.file() != null && initial.reloadIntervalNanos() > 0;
        boolean reports = !initial.instrumentRules().isEmpty() && initial.unmatchedReportNanos() > 0;
        if (!reloads && !reports) {
            return;
        }
        AgentThreads.start("bulwark-config-watcher", new ConfigWatcher(initial, weaver, reloaded));
    }

    @Override
    public void run() {
        try {
            while (pause()) {
                if (file != null && current.reloadIntervalNanos() > 0) {
                    checkFile();
                }
                if (unmatchedReportAt != 0 && System.nanoTime() - unmatchedReportAt >= 0) {
                    unmatchedReportAt = 0;
                    matches.unreportedMisses(current.instrumentRules())
                            .forEach(miss -> BulwarkLog.warn("config: " + miss));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            BulwarkLog.error("the config watcher stopped; config changes now need a restart: " + e, e);
        }
    }

    /** Sleeps until the next check; false when there is nothing left to do. */
    private boolean pause() throws InterruptedException {
        boolean reloads = file != null && current.reloadIntervalNanos() > 0;
        if (reloads) {
            TimeUnit.NANOSECONDS.sleep(current.reloadIntervalNanos());
            return true;
        }
        if (unmatchedReportAt == 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, unmatchedReportAt - System.nanoTime()));
        return true;
    }

    private void checkFile() {
        FileFingerprint now = FileFingerprint.of(file);
        if (now.equals(lastSeen)) {
            return;
        }
        lastSeen = now;
        List<ConfigProblem> problems = new ArrayList<>();
        SwitchableSink sink = new SwitchableSink(problems::add);
        BulwarkConfig next = current.reload(sink);
        if (!problems.isEmpty()) {
            StringBuilder why = new StringBuilder("config reload from " + file.getAbsolutePath()
                    + " refused; the last good config stays in force:");
            problems.forEach(problem -> why.append("\n  ").append(problem));
            BulwarkLog.error(why.toString());
            return;
        }
        if (next.enabled() != current.enabled()) {
            BulwarkLog.warn("config reload: bulwark.enabled = " + next.enabled() + " takes effect after a restart");
        }
        // Annotation problems were reported when their classes were woven; resolving them again must not repeat them.
        sink.switchTo(problem -> BulwarkLog.debug("config: " + problem));
        int changed = weaver.reconfigure(next);
        current = next;
        reloaded.accept(next);
        unmatchedReportAt = reportTime(next, System.nanoTime());
        BulwarkLog.info("config reloaded from " + file.getAbsolutePath() + ": " + changed + " call site"
                + (changed == 1 ? "" : "s") + " changed");
    }

    private static long reportTime(BulwarkConfig config, long now) {
        if (config.instrumentRules().isEmpty() || config.unmatchedReportNanos() == 0) {
            return 0;
        }
        long at = now + config.unmatchedReportNanos();
        return at == 0 ? 1 : at;
    }

    /** Where problems go: the reload's verdict while loading, the debug log afterwards. */
    private static final class SwitchableSink implements Consumer<ConfigProblem> {
        private volatile Consumer<ConfigProblem> target;

        SwitchableSink(Consumer<ConfigProblem> target) {
            this.target = target;
        }

        void switchTo(Consumer<ConfigProblem> next) {
            target = next;
        }

        @Override
        public void accept(ConfigProblem problem) {
            target.accept(problem);
        }
    }
}
