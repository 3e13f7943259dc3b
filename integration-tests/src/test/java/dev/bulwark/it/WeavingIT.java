package dev.bulwark.it;

import dev.bulwark.it.app.StartupScenarios;
import dev.bulwark.it.app.WeavingScenarios;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class WeavingIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(WeavingScenarios.class, scenario);
    }

    @Test
    void publicPrivateStaticFinalSynchronizedVoidAndPrimitiveMethodsAreWovenIncludingSelfCalls() throws Exception {
        ScenarioResult result = run("everyKindOfMethod");
        assertThat(result.get("public")).isEqualTo("returned:rescued");
        assertThat(result.get("static")).isEqualTo("returned:rescued");
        assertThat(result.get("fromInside")).isEqualTo("returned:rescued,rescued,rescued,rescued,42,3");
    }

    @Test
    void aClassAnnotationCoversItsPublicMethodsAndAMethodsOwnAnnotationWins() throws Exception {
        ScenarioResult result = run("classLevelAnnotations");
        assertThat(result.getInt("publicInherits")).isEqualTo(3);
        assertThat(result.getInt("ownAnnotationWins")).isEqualTo(5);
        assertThat(result.getInt("packagePrivate")).isEqualTo(1);
    }

    /**
     * Without Reactor, a method that returns a {@code Mono} cannot be described in full; that left the whole class
     * unwoven, its other methods unprotected with it.
     */
    @Test
    void aClassWithAMethodOfALibraryThatIsNotDeployedHasItsOtherMethodsProtected() throws Exception {
        ScenarioResult result = run("classWithAMethodOfAnAbsentLibrary");
        assertThat(result.get("plain")).as(result.toString()).isEqualTo("returned:ok after 3");
        assertThat(result.stderr()).contains("[bulwark] WARN " + WeavingScenarios.class.getName()
                + "$OptionalReactive#reactively() is not protected: its class loader cannot find reactor.core.publisher.Mono")
                .doesNotContain("ERROR");
    }

    @Test
    void aClassInAnIsolatedLoaderIsWovenAndCatchesBulwarkExceptionsByType() throws Exception {
        ScenarioResult result = run("isolatedClassLoader");
        assertThat(result.getBoolean("loader")).isTrue();
        assertThat(result.get("outcome")).startsWith("caught dev.bulwark.TimeoutExceededException");
    }

    /**
     * Byte Buddy (some 1,100 classes, loaded and run cold) is only built when the first class that may need
     * weaving loads: an application with nothing to protect, or the part of its start-up before the first
     * protected class, never pays for it. And the agent's class loader finds its own classes without first
     * having the JDK's loaders fail on each of them with an exception.
     */
    @Test
    void byteBuddyLoadsOnlyWhenTheFirstProtectedClassDoes() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().option("-Xlog:class+load=info:stdout", "-Xlog:exceptions=info:stdout")
                .run(StartupScenarios.class, "firstProtectedClassLoadsLate");
        assertThat(result.get("outcome")).isEqualTo("returned:ok after 3");
        String out = result.stdout();
        int unprotectedPhase = out.indexOf("@@ phase=nothing protected loaded yet");
        assertThat(out.indexOf("dev.bulwark.agent.weave.Weaver ")).isBetween(0, unprotectedPhase);
        assertThat(out.indexOf("dev.bulwark.shaded.bytebuddy.")).isGreaterThan(unprotectedPhase);
        // Byte Buddy itself probes for two classes that are not in the jar: one it generates (ModuleSupport),
        // and an optional bridge to the JDK's class-file API (JdkClassReader, on Java 24+).
        assertThat(out).contains("[exceptions]").doesNotContainPattern(
                "ClassNotFoundException'\\{[^}]*\\}: dev\\.bulwark\\.(?!.*(\\$ModuleSupport|\\.JdkClassReader)>)");
    }

    /**
     * With no config of the user's, the agent reads its built-in defaults on a thread of its own while the
     * application starts. Neither that nor the application loading Bulwark's annotation types is a reason to
     * build Byte Buddy: the annotation types are never woven. Nor is a cache of woven classes holding other
     * applications' classes (the default directory is shared): it is opened, but Byte Buddy is warmed up for
     * planning only once a class with sites comes from it.
     */
    @Test
    void nothingProtectedMeansNoByteBuddyEvenWhenTheAnnotationTypesLoad(@TempDir Path dir) throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createFile(cache.resolve("0123.woven"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        ScenarioResult result = AgentJvm.withAgent().option("-Xlog:class+load=info:stdout", "-Dbulwark.cache.dir=" + cache)
                .run(StartupScenarios.class, "annotationTypesLoadedButNothingProtected");
        assertThat(result.get("phase")).isEqualTo("config read");
        assertThat(result.get("cacheWarmUp")).isEqualTo("waiting");
        assertThat(result.stdout()).contains("dev.bulwark.annotations.Backoff ", "dev.bulwark.agent.config.SpecReader ")
                .doesNotContain("dev.bulwark.shaded.bytebuddy.");
        assertThat(result.stderr()).contains("config: built-in defaults").doesNotContain("ERROR");
    }

    /** Byte Buddy is built once, by whichever thread loads a protected class first; the others wait for it. */
    @RepeatedTest(3)
    void protectedClassesLoadedAtOnceByManyThreadsAreAllWoven() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().run(StartupScenarios.class, "protectedClassesRaceToLoadFirst");
        for (String name : new String[]{"First", "Second", "Third", "Fourth"}) {
            assertThat(result.get(name)).as(name).isEqualTo("returned:ok after 3");
        }
        assertThat(result.stderr()).doesNotContain("ERROR");
    }

    /**
     * {@code java.util.logging} builds the JVM's one LogManager at its first use: had the agent logged through it
     * in premain, the application could no longer name its own, as application servers such as WildFly do.
     */
    @Test
    void theApplicationStillChoosesItsLogManager() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().run(StartupScenarios.class, "applicationChoosesItsLogManager");
        assertThat(result.get("logManager")).isEqualTo(StartupScenarios.ApplicationLogManager.class.getName());
        assertThat(result.get("outcome")).isEqualTo("returned:ok after 3");
        assertThat(result.stderr()).contains("[bulwark] INFO Bulwark ").doesNotContain("ERROR");
    }

    /**
     * The agent defines its shared classes in the bootstrap loader without putting its jar on the bootstrap path,
     * which, appended at run time, made the JVM turn class data sharing off for the application's loaders and
     * print a warning on every start.
     */
    @Test
    void theAgentJarAsBuiltStartsWithoutTheClassDataSharingWarning() throws Exception {
        ScenarioResult result = run("everyKindOfMethod");
        assertThat(result.get("public")).isEqualTo("returned:rescued");
        assertThat(result.stdout() + result.stderr()).doesNotContain("Sharing is only supported");
    }

    /** Nothing names the jar: a renamed one runs, and without a warning. */
    @Test
    void aRenamedAgentJarStillProtects(@TempDir Path dir) throws Exception {
        Path renamed = Files.copy(AgentJvm.AGENT_JAR, dir.resolve("bulwark-agent-0.1.0.jar"));
        ScenarioResult result = AgentJvm.withAgent().agentJar(renamed).run(WeavingScenarios.class, "everyKindOfMethod");
        assertThat(result.get("public")).isEqualTo("returned:rescued");
        assertThat(result.get("fromInside")).isEqualTo("returned:rescued,rescued,rescued,rescued,42,3");
        assertThat(result.stdout() + result.stderr()).doesNotContain("Sharing is only supported").doesNotContain("WARN");
    }

    @Test
    void aDynamicAttachProtectsAnAlreadyLoadedClass() throws Exception {
        ScenarioResult result = AgentJvm.withoutAgent().runAttachingTheAgentWhenReady(WeavingScenarios.class, "dynamicAttach");
        assertThat(result.get("before")).isEqualTo("threw:IllegalStateException:attempt 1");
        assertThat(result.getInt("callsBefore")).isEqualTo(1);
        assertThat(result.get("after")).isEqualTo("returned:ok after 3");
        assertThat(result.getInt("callsAfter")).isEqualTo(3);
        assertThat(result.stderr()).contains("attached to a running JVM").doesNotContain("WARNING");
        assertThat(result.stdout() + result.stderr()).doesNotContain("Sharing is only supported");
    }

    /**
     * One {@code @Retry} method of a class is too large to weave (its code would pass the JVM's 64 KB limit with
     * the advice inlined): it runs unprotected, said in one line without a stack trace, and the other
     * {@code @Retry} method of the class is protected.
     */
    @Test
    void aMethodTooLargeToWeaveRunsUnprotectedAndTheRestOfItsClassIsProtected(@TempDir Path classes) throws Exception {
        Path classFile = classes.resolve(WeavingScenarios.TOO_LARGE_TO_WEAVE.replace('.', '/') + ".class");
        Files.createDirectories(classFile.getParent());
        Files.write(classFile, tooLargeToWeave());

        ScenarioResult result = AgentJvm.withAgent().classPath(AgentJvm.classPath() + File.pathSeparator + classes)
                .run(WeavingScenarios.class, "methodTooLargeToWeave");

        assertThat(result.get("flaky")).isEqualTo("returned:ok after 3");
        assertThat(result.get("huge")).isEqualTo("threw:IllegalStateException:huge attempt 1");
        assertThat(result.getInt("hugeCalls")).isEqualTo(1);
        assertThat(result.stderr().lines().filter(line -> line.contains("TooLargeToWeave")))
                .containsExactly("[bulwark] ERROR " + WeavingScenarios.TOO_LARGE_TO_WEAVE + "#huge(int) is not protected:"
                        + " its code would exceed the JVM's 64 KB method limit once woven; the other methods of the class are");
        assertThat(result.stderr()).doesNotContain("\tat ", "MethodTooLargeException", "could not weave");
    }

    /**
     * {@link WeavingScenarios#TOO_LARGE_TO_WEAVE}: {@code flaky()} and {@code huge(int)}, both under
     * {@code @Retry(delay = "1ms")}, which run {@link WeavingScenarios#failsTwice} and
     * {@link WeavingScenarios#failsOnce} first. {@code huge} then adds one to its argument so many times that its
     * code, 65,345 bytes, is under the JVM's limit of 65,535 by less than the advice adds.
     */
    private static byte[] tooLargeToWeave() {
        String name = WeavingScenarios.TOO_LARGE_TO_WEAVE.replace('.', '/');
        String scenarios = WeavingScenarios.class.getName().replace('.', '/');
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor flaky = retried(writer, "flaky", "()Ljava/lang/String;");
        flaky.visitMethodInsn(Opcodes.INVOKESTATIC, scenarios, "failsTwice", "()Ljava/lang/String;", false);
        flaky.visitInsn(Opcodes.ARETURN);
        flaky.visitMaxs(0, 0);
        flaky.visitEnd();
        MethodVisitor huge = retried(writer, "huge", "(I)I");
        huge.visitMethodInsn(Opcodes.INVOKESTATIC, scenarios, "failsOnce", "()V", false);
        for (int i = 0; i < 21_780; i++) {
            huge.visitIincInsn(0, 1);
        }
        huge.visitVarInsn(Opcodes.ILOAD, 0);
        huge.visitInsn(Opcodes.IRETURN);
        huge.visitMaxs(0, 0);
        huge.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static MethodVisitor retried(ClassWriter writer, String name, String descriptor) {
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, name, descriptor, null, null);
        AnnotationVisitor retry = method.visitAnnotation("Ldev/bulwark/annotations/Retry;", true);
        retry.visit("delay", "1ms");
        retry.visitEnd();
        method.visitCode();
        return method;
    }

    /**
     * Bulwark fails inside the step the scenario names: on entering, on ending a shared invocation, or on taking
     * an asynchronous call. Each call then runs as if unprotected: no retry, the body's own outcome.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"internalFailureInEnter", "internalFailureInEndStateless", "internalFailureInAsync"})
    void aFailureInsideBulwarkLeavesTheMethodRunningUnprotected(String scenario) throws Exception {
        ScenarioResult result = run(scenario);
        assertThat(result.get("first")).isEqualTo("threw:IllegalStateException:attempt 1");
        assertThat(result.get("second")).isEqualTo("threw:IllegalStateException:attempt 2");
        assertThat(result.get("third")).isEqualTo("returned:ok after 3");
        assertThat(result.getInt("calls")).isEqualTo(3);
        assertThat(result.stderr()).containsOnlyOnce("internal error; the call runs unprotected");
    }

    @Test
    void aFailureInsideBulwarkOnExitPassesTheBodysOutcomeUnchanged() throws Exception {
        ScenarioResult result = run("internalFailureInExit");
        assertThat(result.get("first")).isEqualTo("threw:IllegalStateException:attempt 1");
        assertThat(result.get("third")).isEqualTo("returned:ok after 3");
        assertThat(result.getInt("calls")).isEqualTo(3);
        assertThat(result.stderr()).containsOnlyOnce("internal error; the call runs unprotected");
    }
}
