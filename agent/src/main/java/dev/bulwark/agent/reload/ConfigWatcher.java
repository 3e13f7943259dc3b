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
import java.util.function.Function;

/**
 * The daemon thread "bulwark-config-watcher": it checks the config file every {@code reload-interval} and,
 * when its content changed, loads it again; a config without problems is swapped in behind the woven call
 * sites, one with problems is refused and the last good one stays. It also reports, once, each
 * {@code instrument} entry that matched nothing {@code unmatched-instrument-report} after start or reload.
 * An attach to the running agent loads its config through here too ({@link #loadAttached}), so that it and the
 * thread never reconfigure at once; the thread runs only while there is something to do.
 */
public final class ConfigWatcher implements Runnable {
    private final Weaver weaver;
    private final InstrumentMatches matches;
    private final Consumer<BulwarkConfig> reloaded;
    // The rest is guarded by this.
    private File file;
    private BulwarkConfig current;
    private FileFingerprint lastSeen;
    private long unmatchedReportAt;
    private boolean running;

    ConfigWatcher(BulwarkConfig initial, Weaver weaver, Consumer<BulwarkConfig> reloaded) {
        this.weaver = weaver;
        this.reloaded = reloaded;
        this.matches = weaver.instrumentMatches();
        this.current = initial;
        watch(initial.file());
        this.unmatchedReportAt = reportTime(initial, System.nanoTime());
    }

    /**
     * Starts the watcher thread when there is anything to watch: a config file with hot reload on, or
     * {@code instrument} entries to report on.
     *
     * @param reloaded told of every config a reload put in force, after the call sites took it
     */
    public static ConfigWatcher start(BulwarkConfig initial, Weaver weaver, Consumer<BulwarkConfig> reloaded) {
        ConfigWatcher watcher = new ConfigWatcher(initial, weaver, reloaded);
        watcher.startIfNeeded();
        return watcher;
    }

    /**
     * Puts in force the config an attach asks for ({@link BulwarkConfig#attached}), as a reload would, and from
     * then on watches the file it came from.
     */
    public synchronized Outcome loadAttached(String agentArguments) {
        Outcome outcome = replace(problems -> current.attached(agentArguments, problems));
        if (outcome.refused()) {
            BulwarkLog.error(refusal("config named at attach", outcome.problems));
        } else {
            watch(current.file());
            BulwarkLog.info("config loaded at attach from " + current.source() + ": " + changedSites(outcome.changedSites));
            startIfNeeded();
        }
        return outcome;
    }

    private void watch(File next) {
        file = next;
        lastSeen = next == null ? null : FileFingerprint.of(next);
    }

    private synchronized void startIfNeeded() {
        if (!running && (reloads() || unmatchedReportAt != 0)) {
            running = true;
            AgentThreads.start("bulwark-config-watcher", this);
        }
    }

    private boolean reloads() {
        return file != null && current.reloadIntervalNanos() > 0;
    }

    @Override
    public void run() {
        try {
            while (pause()) {
                tick();
            }
        } catch (InterruptedException e) {
            stopped();
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stopped();
            BulwarkLog.error("the config watcher stopped; config changes now need a restart: " + e, e);
        }
    }

    private synchronized void stopped() {
        running = false;
    }

    /** Sleeps until the next check; false, the thread marked as ended, when there is nothing left to do. */
    private boolean pause() throws InterruptedException {
        long sleepNanos;
        synchronized (this) {
            if (reloads()) {
                sleepNanos = current.reloadIntervalNanos();
            } else if (unmatchedReportAt != 0) {
                sleepNanos = Math.max(0, unmatchedReportAt - System.nanoTime());
            } else {
                running = false;
                return false;
            }
        }
        TimeUnit.NANOSECONDS.sleep(sleepNanos);
        return true;
    }

    private synchronized void tick() {
        if (reloads()) {
            checkFile();
        }
        if (unmatchedReportAt != 0 && System.nanoTime() - unmatchedReportAt >= 0) {
            unmatchedReportAt = 0;
            matches.unreportedMisses(current.instrumentRules())
                    .forEach(miss -> BulwarkLog.warn("config: " + miss));
        }
    }

    private void checkFile() {
        FileFingerprint now = FileFingerprint.of(file);
        if (now.equals(lastSeen)) {
            return;
        }
        lastSeen = now;
        BulwarkConfig previous = current;
        Outcome outcome = replace(previous::reload);
        if (outcome.refused()) {
            BulwarkLog.error(refusal("config reload from " + file.getAbsolutePath(), outcome.problems));
            return;
        }
        BulwarkLog.info("config reloaded from " + file.getAbsolutePath() + ": " + changedSites(outcome.changedSites));
    }

    /** Reads a config with {@code load} and puts it in force, unless it has problems: then the last good one stays. */
    private Outcome replace(Function<Consumer<ConfigProblem>, BulwarkConfig> load) {
        List<ConfigProblem> problems = new ArrayList<>();
        SwitchableSink sink = new SwitchableSink(problems::add);
        BulwarkConfig next = load.apply(sink);
        if (!problems.isEmpty()) {
            return new Outcome(problems, 0, next.source());
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
        return new Outcome(problems, changed, next.source());
    }

    private static String refusal(String what, List<ConfigProblem> problems) {
        StringBuilder why = new StringBuilder(what + " refused; the last good config stays in force:");
        problems.forEach(problem -> why.append("\n  ").append(problem));
        return why.toString();
    }

    private static String changedSites(int changed) {
        return changed + " call site" + (changed == 1 ? "" : "s") + " changed";
    }

    private static long reportTime(BulwarkConfig config, long now) {
        if (config.instrumentRules().isEmpty() || config.unmatchedReportNanos() == 0) {
            return 0;
        }
        long at = now + config.unmatchedReportNanos();
        return at == 0 ? 1 : at;
    }

    /** What became of a config loaded at attach. */
    public static final class Outcome {
        private final List<ConfigProblem> problems;
        private final int changedSites;
        private final String source;

        Outcome(List<ConfigProblem> problems, int changedSites, String source) {
            this.problems = List.copyOf(problems);
            this.changedSites = changedSites;
            this.source = source;
        }

        /** Why it was refused; empty when it is in force. */
        public List<ConfigProblem> problems() {
            return problems;
        }

        public boolean refused() {
            return !problems.isEmpty();
        }

        public int changedSites() {
            return changedSites;
        }

        /** Where it was read from. */
        public String source() {
            return source;
        }
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
