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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Start-up cost of the agent (issue 5, item 3). Generates two jars of {@code --classes} tiny classes (bytecode
 * written with ASM, no javac): one plain, one where {@code --annotated} of them carry {@code @Retry} and
 * {@code @CircuitBreaker} on their method; then times {@code java -cp <jar> LoadAll} (load, initialise and
 * call every class) with and without {@code -javaagent}, and an empty run of each to separate the agent's
 * fixed cost from its cost per class. Runs are interleaved in a shuffled order per round, after a warm-up
 * round, so load on the machine spreads over all scenarios alike.
 *
 * <pre>
 * java -cp benchmarks.jar dev.bulwark.benchmarks.startup.StartupBenchmark --agent AGENT_JAR
 *      --annotations ANNOTATIONS_JAR [--classes 10000] [--annotated 100] [--runs 10] [--java JAVA] [--out DIR]
 * </pre>
 */
public final class StartupBenchmark {
    private static final String PREFIX = "gen.C";

    private StartupBenchmark() {
    }

    record Scenario(String name, boolean agent, Path jar, int count) {
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

        List<Scenario> scenarios = List.of(
                new Scenario("empty main, no agent", false, plainJar, 0),
                new Scenario("empty main, agent", true, plainJar, 0),
                new Scenario(classes + " classes, no agent", false, plainJar, classes),
                new Scenario(classes + " classes, agent", true, plainJar, classes),
                new Scenario(classes + " classes (" + annotated + " annotated), no agent", false, annotatedJar, classes),
                new Scenario(classes + " classes (" + annotated + " annotated), agent", true, annotatedJar, classes));
        Map<Scenario, List<Double>> times = new LinkedHashMap<>();
        scenarios.forEach(s -> times.put(s, new ArrayList<>()));
        List<Scenario> order = new ArrayList<>(scenarios);
        Random random = new Random(42);
        for (int round = 0; round <= runs; round++) {
            Collections.shuffle(order, random);
            for (Scenario s : order) {
                double ms = run(java, agent, annotations, s, dir);
                if (round > 0) {
                    times.get(s).add(ms);
                }
            }
            System.out.println(round == 0 ? "warm-up round done" : "round " + round + "/" + runs + " done");
        }

        for (Path generated : List.of(plainJar, annotatedJar, dir.resolve("last-run.log"), dir)) {
            Files.deleteIfExists(generated);
        }
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
        double overhead = (annAgent.mean - annBare.mean) / annBare.mean * 100;
        r.append(String.format(Locale.ROOT, "- target: the agent adds <= 10%% (with %d annotated): %.1f%% -> %s%n", annotated,
                overhead, overhead <= 10 ? "met" : "MISSED"));
        return r.toString();
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

    private static double run(String java, Path agent, Path annotations, Scenario s, Path dir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        if (s.agent) {
            command.add("-javaagent:" + agent);
        }
        command.addAll(Arrays.asList("-cp", s.jar + File.pathSeparator + annotations,
                LoadAll.class.getName(), PREFIX, Integer.toString(s.count)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("last-run.log").toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        String log = Files.readString(dir.resolve("last-run.log"));
        if (process.exitValue() != 0 || !log.contains("loaded " + s.count + " classes")) {
            throw new IllegalStateException("run failed (" + process.exitValue() + "): " + command + "\n" + log);
        }
        if (s.agent && log.contains("could not weave")) {
            throw new IllegalStateException("the agent failed to weave: " + log);
        }
        return ms;
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
