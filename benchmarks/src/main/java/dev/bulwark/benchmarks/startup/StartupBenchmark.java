package dev.bulwark.benchmarks.startup;

import dev.bulwark.benchmarks.Arguments;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Start-up cost of the agent (issues 5 and 23). Generates two jars of {@code --classes} tiny classes (bytecode
 * written with ASM, no javac): one plain, one where {@code --annotated} of them carry {@code @Retry} and
 * {@code @CircuitBreaker} on their method; then times {@code java -cp <jar> LoadAll} (load, initialise and
 * call every class) without an agent and with Bulwark, and an empty run of each to separate the agent's fixed
 * cost from its cost per class. On the annotated jar Bulwark runs cold (an empty cache of woven classes, each
 * run its own) and warm (the cache an earlier start filled), and the OpenTelemetry Java agent ({@code --otel},
 * skipped when absent) is the peer. Runs are interleaved in a shuffled order per round, after a warm-up round,
 * so load on the machine spreads over all scenarios alike.
 *
 * <pre>
 * java -cp benchmarks.jar dev.bulwark.benchmarks.startup.StartupBenchmark --agent AGENT_JAR
 *      --annotations ANNOTATIONS_JAR [--otel OTEL_AGENT_JAR] [--classes 10000] [--annotated 100] [--runs 10]
 *      [--java JAVA] [--out DIR]
 * </pre>
 */
public final class StartupBenchmark {
    private static final String PREFIX = "gen.C";

    private StartupBenchmark() {
    }

    /** Which agent a run starts with, and Bulwark's cache of woven classes. */
    enum Agent {
        NONE, BULWARK_COLD, BULWARK_WARM, OPENTELEMETRY
    }

    record Scenario(String name, Agent agent, Path jar, int count) {
        Scenario withAgent(Agent other) {
            return new Scenario(name, other, jar, count);
        }
    }

    /** What the runs need beside the scenario: the agents' jars and Bulwark's cache directories. */
    record Setup(String java, Path agent, Path annotations, Path otel, Path dir, Path warmCache) {
    }

    public static void main(String[] args) throws Exception {
        Arguments options = Arguments.parse(args);
        Path agent = Paths.get(options.required("agent")).toAbsolutePath();
        Path annotations = Paths.get(options.required("annotations")).toAbsolutePath();
        int classes = options.integer("classes", 10000);
        int annotated = options.integer("annotated", 100);
        int runs = options.integer("runs", 10);
        String java = options.get("java", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        Path out = Paths.get(options.get("out", "benchmarks/target/results"));
        Path otel = options.get("otel", null) == null ? null : Paths.get(options.get("otel", null)).toAbsolutePath();
        if (otel != null && !Files.isRegularFile(otel)) {
            System.out.println("no OpenTelemetry Java agent at " + otel + ": its row and the verdicts against it are left out");
            otel = null;
        }
        Files.createDirectories(out);
        for (Path required : List.of(agent, annotations)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException("no such file: " + required);
            }
        }

        Path dir = Files.createTempDirectory("bulwark-startup");
        Path plainJar = dir.resolve("plain.jar");
        Path annotatedJar = dir.resolve("annotated.jar");
        long t0 = System.nanoTime();
        writeJar(plainJar, classes, 0);
        writeJar(annotatedJar, classes, annotated);
        System.out.printf(Locale.ROOT, "generated 2 x %d classes (%d annotated) in %s in %d ms%n", classes, annotated,
                dir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

        String annotatedRuns = classes + " classes (" + annotated + " annotated), ";
        List<Scenario> scenarios = new ArrayList<>(List.of(
                new Scenario("empty main, no agent", Agent.NONE, plainJar, 0),
                new Scenario("empty main, agent", Agent.BULWARK_COLD, plainJar, 0),
                new Scenario(classes + " classes, no agent", Agent.NONE, plainJar, classes),
                new Scenario(classes + " classes, agent", Agent.BULWARK_COLD, plainJar, classes),
                new Scenario(annotatedRuns + "no agent", Agent.NONE, annotatedJar, classes),
                new Scenario(annotatedRuns + "Bulwark cold (empty cache)", Agent.BULWARK_COLD, annotatedJar, classes),
                new Scenario(annotatedRuns + "Bulwark warm (cache of an earlier start)", Agent.BULWARK_WARM, annotatedJar, classes)));
        if (otel != null) {
            scenarios.add(new Scenario(annotatedRuns + "OpenTelemetry Java agent", Agent.OPENTELEMETRY, annotatedJar, classes));
        }
        Setup setup = new Setup(java, agent, annotations, otel, dir, dir.resolve("warm-cache"));
        // Fills the warm runs' cache, as the first start of a deployment would.
        run(setup, scenarios.get(5).withAgent(Agent.BULWARK_WARM));
        try (Stream<Path> entries = Files.list(setup.warmCache)) {
            long kept = entries.filter(entry -> entry.toString().endsWith(".woven")).count();
            if (kept < annotated) {
                throw new IllegalStateException("the first start kept " + kept + " woven classes of " + annotated);
            }
        }
        Map<Scenario, List<Double>> times = new LinkedHashMap<>();
        scenarios.forEach(s -> times.put(s, new ArrayList<>()));
        List<Scenario> order = new ArrayList<>(scenarios);
        Random random = new Random(42);
        for (int round = 0; round <= runs; round++) {
            Collections.shuffle(order, random);
            for (Scenario s : order) {
                double ms = run(setup, s);
                if (round > 0) {
                    times.get(s).add(ms);
                }
            }
            System.out.println(round == 0 ? "warm-up round done" : "round " + round + "/" + runs + " done");
        }

        deleteTree(dir);
        String report = report(java, times, scenarios, classes, annotated, runs);
        System.out.println();
        System.out.println(report);
        Files.write(out.resolve("startup.md"), report.getBytes(StandardCharsets.UTF_8));
        System.out.println("written to " + out.resolve("startup.md"));
    }

    private static String report(String java, Map<Scenario, List<Double>> times, List<Scenario> s, int classes,
                                 int annotated, int runs) {
        StringBuilder r = new StringBuilder();
        r.append(String.format(Locale.ROOT, "JVM: %s; %d runs per scenario, wall time from process start to exit%n%n",
                java, runs));
        r.append("| scenario | mean ms | ± stddev | min ms |\n|---|---:|---:|---:|\n");
        for (Scenario scenario : s) {
            Stats st = Stats.of(times.get(scenario));
            r.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", scenario.name, st.mean, st.sd, st.min));
        }
        Stats emptyBare = Stats.of(times.get(s.get(0)));
        Stats emptyAgent = Stats.of(times.get(s.get(1)));
        Stats plainBare = Stats.of(times.get(s.get(2)));
        Stats plainAgent = Stats.of(times.get(s.get(3)));
        Stats annBare = Stats.of(times.get(s.get(4)));
        Stats annAgent = Stats.of(times.get(s.get(5)));
        r.append("\n");
        r.append(delta("agent's fixed cost (empty main)", emptyAgent, emptyBare));
        r.append(delta("agent on " + classes + " plain classes", plainAgent, plainBare));
        r.append(delta("agent on " + classes + " classes, " + annotated + " annotated", annAgent, annBare));
        double perClassNs = ((plainAgent.mean - plainBare.mean) - (emptyAgent.mean - emptyBare.mean)) * 1e6 / classes;
        double perClassErr = Math.sqrt(plainAgent.se2() + plainBare.se2() + emptyAgent.se2() + emptyBare.se2()) * 1e6 / classes;
        r.append(String.format(Locale.ROOT,
                "- cost per class the agent does not match: ((plain agent - plain bare) - (empty agent - empty bare)) / %d = %.1f ± %.1f µs%n",
                classes, perClassNs / 1000, perClassErr / 1000));
        double wovenMs = (annAgent.mean - annBare.mean) - (plainAgent.mean - plainBare.mean);
        double wovenErr = Math.sqrt(annAgent.se2() + annBare.se2() + plainAgent.se2() + plainBare.se2());
        r.append(String.format(Locale.ROOT, "- extra cost of weaving %d annotated classes: %.0f ± %.0f ms (%.2f ms per class)%n",
                annotated, wovenMs, wovenErr, annotated == 0 ? 0 : wovenMs / annotated));
        Stats warm = Stats.of(times.get(s.get(6)));
        r.append(delta("Bulwark warm on " + classes + " classes, " + annotated + " annotated", warm, annBare));
        Stats otel = s.size() > 7 ? Stats.of(times.get(s.get(7))) : null;
        if (otel != null) {
            r.append(delta("OpenTelemetry Java agent on " + classes + " classes, " + annotated + " annotated", otel, annBare));
        }
        r.append("\n| target | result | verdict |\n|---|---|---|\n");
        r.append(verdict("Bulwark warm adds <= 25 %", warm, annBare, 25));
        r.append(verdict("Bulwark cold adds <= 80 %", annAgent, annBare, 80));
        if (otel != null) {
            r.append(againstPeer("warm", warm, otel, annBare));
            r.append(againstPeer("cold", annAgent, otel, annBare));
        }
        return r.toString();
    }

    private static String verdict(String target, Stats with, Stats without, double maxPercent) {
        double percent = (with.mean - without.mean) / without.mean * 100;
        return String.format(Locale.ROOT, "| %s | %+.0f %% (%.0f → %.0f ms) | %s |%n", target, percent, without.mean,
                with.mean, percent <= maxPercent ? "met" : "MISSED");
    }

    /** The peer's overhead over Bulwark's, on the same workload: at least 3 is the target. */
    private static String againstPeer(String which, Stats bulwark, Stats peer, Stats without) {
        double ours = bulwark.mean - without.mean;
        double theirs = peer.mean - without.mean;
        double ratio = theirs / Math.max(ours, 1e-9);
        return String.format(Locale.ROOT, "| Bulwark %s's overhead at least 3x below the OpenTelemetry agent's | +%.0f ms vs +%.0f ms: %s |"
                + " %s |%n", which, ours, theirs, ours <= 0 ? "none" : String.format(Locale.ROOT, "%.1fx", ratio),
                ours <= 0 || ratio >= 3 ? "met" : "MISSED");
    }

    private static String delta(String what, Stats with, Stats without) {
        double d = with.mean - without.mean;
        double err = Math.sqrt(with.se2() + without.se2());
        return String.format(Locale.ROOT, "- %s: +%.0f ± %.0f ms (%+.1f%%)%n", what, d, err, d / without.mean * 100);
    }

    record Stats(double mean, double sd, double min, int n) {
        static Stats of(List<Double> xs) {
            double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double var = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, xs.size() - 1);
            return new Stats(mean, Math.sqrt(var), xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), xs.size());
        }

        /** Squared standard error of the mean. */
        double se2() {
            return sd * sd / n;
        }
    }

    private static double run(Setup setup, Scenario s) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(setup.java);
        Path coldCache = null;
        switch (s.agent) {
            case BULWARK_COLD:
                coldCache = Files.createTempDirectory(setup.dir, "cold-cache");
                command.addAll(List.of("-javaagent:" + setup.agent, "-Dbulwark.cache.dir=" + coldCache));
                break;
            case BULWARK_WARM:
                command.addAll(List.of("-javaagent:" + setup.agent, "-Dbulwark.cache.dir=" + setup.warmCache));
                break;
            case OPENTELEMETRY:
                // Nothing exported: no collector to wait for, only the agent's own start-up and weaving.
                command.addAll(List.of("-javaagent:" + setup.otel, "-Dotel.traces.exporter=none",
                        "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
                break;
            default:
                break;
        }
        command.addAll(Arrays.asList("-cp", s.jar + File.pathSeparator + setup.annotations,
                LoadAll.class.getName(), PREFIX, Integer.toString(s.count)));
        Path logFile = setup.dir.resolve("last-run.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        String log = Files.readString(logFile);
        if (coldCache != null) {
            deleteTree(coldCache);
        }
        if (process.exitValue() != 0 || !log.contains("loaded " + s.count + " classes")) {
            throw new IllegalStateException("run failed (" + process.exitValue() + "): " + command + "\n" + log);
        }
        if (log.contains("could not weave") || log.contains("[bulwark] WARN cache") || log.contains("[bulwark] ERROR")) {
            throw new IllegalStateException("the agent failed: " + command + "\n" + log);
        }
        return ms;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(path);
            }
        }
    }

    static void writeJar(Path jar, int classes, int annotated) throws IOException {
        int every = annotated == 0 ? Integer.MAX_VALUE : Math.max(1, classes / annotated);
        int left = annotated;
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            String loader = LoadAll.class.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(loader));
            try (InputStream in = LoadAll.class.getClassLoader().getResourceAsStream(loader)) {
                out.write(in.readAllBytes());
            }
            out.closeEntry();
            for (int i = 0; i < classes; i++) {
                boolean annotate = left > 0 && i % every == 0;
                if (annotate) {
                    left--;
                }
                String name = (PREFIX + String.format("%05d", i)).replace('.', '/');
                out.putNextEntry(new JarEntry(name + ".class"));
                out.write(generate(name, i, annotate));
                out.closeEntry();
            }
        }
    }

    /** {@code public class <name> { public static int value(int x) { return x + <n>; } }}, maybe annotated. */
    static byte[] generate(String internalName, int n, boolean annotated) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, internalName, null, "java/lang/Object", null);
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor value = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "value", "(I)I", null, null);
        if (annotated) {
            AnnotationVisitor retry = value.visitAnnotation("Ldev/bulwark/annotations/Retry;", true);
            retry.visit("maxAttempts", 3);
            retry.visitEnd();
            value.visitAnnotation("Ldev/bulwark/annotations/CircuitBreaker;", true).visitEnd();
        }
        value.visitCode();
        value.visitVarInsn(Opcodes.ILOAD, 0);
        value.visitLdcInsn(n);
        value.visitInsn(Opcodes.IADD);
        value.visitInsn(Opcodes.IRETURN);
        value.visitMaxs(0, 0);
        value.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
