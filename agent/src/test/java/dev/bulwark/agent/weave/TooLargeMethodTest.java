package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.policy.NanoClock;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A method whose code would pass the JVM's 64 KB limit once woven is left out; the rest of its class is woven. */
class TooLargeMethodTest {
    private static final String CLASS = "com/acme/Big";
    private static final String RETRY = "Ldev/bulwark/annotations/Retry;";
    private static final String BRIDGE = "dev/bulwark/agent/bootstrap/BulwarkBridge";
    /**
     * Three bytes each: with the load and the return, 65,342 bytes of code, under the JVM's limit of 65,535 by
     * less than the advice adds.
     */
    private static final int INCREMENTS = 21_780;

    private final List<String> reports = new ArrayList<>();
    private final CallSites sites = new CallSites(new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener()));
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theMethodTooLargeOnceWovenRunsUnprotectedAndTheOthersOfItsClassAreWoven() throws Exception {
        Weaver weaver = new Weaver(config(), sites, w -> ByteBuddyWeaving.transformer(w, reports::add));

        byte[] woven = weaver.prefilter().transform(loader.getUnnamedModule(), loader, CLASS, null, null, bigClass());

        assertThat(woven).as("the class is woven").isNotNull();
        assertThat(methodsCallingTheBridge(woven)).containsExactly("small()Ljava/lang/String;");
        assertThat(reports).containsExactly("com.acme.Big#huge(int) is not protected: its code would exceed the JVM's"
                + " 64 KB method limit once woven; the other methods of the class are");
        Class<?> big = new Defining(loader).define(woven);
        assertThat(big.getMethod("huge", int.class).invoke(null, 1)).isEqualTo(1 + INCREMENTS);
        assertThat(big.getMethod("small").invoke(null)).isEqualTo("small");
    }

    /** A site for the method left out would hold policies (and metrics, and MBeans) that nothing ever calls. */
    @Test
    void onlyTheMethodsWovenHaveSites() throws Exception {
        Weaver weaver = new Weaver(config(), sites, w -> ByteBuddyWeaving.transformer(w, reports::add));

        weaver.prefilter().transform(loader.getUnnamedModule(), loader, CLASS, null, null, bigClass());

        List<String> defined = new ArrayList<>();
        sites.reconfigure(site -> {
            defined.add(site.policies().ownName());
            return site;
        });
        assertThat(defined).containsExactly("com.acme.Big#small");
    }

    /**
     * {@code com.acme.Big}, with two methods under {@code @Retry}: {@code huge(int)}, which adds one
     * {@link #INCREMENTS} times to its argument, and {@code small()}, which returns "small".
     */
    private static byte[] bigClass() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, CLASS, null, "java/lang/Object", null);
        MethodVisitor huge = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "huge", "(I)I", null, null);
        huge.visitAnnotation(RETRY, true).visitEnd();
        huge.visitCode();
        for (int i = 0; i < INCREMENTS; i++) {
            huge.visitIincInsn(0, 1);
        }
        huge.visitVarInsn(Opcodes.ILOAD, 0);
        huge.visitInsn(Opcodes.IRETURN);
        huge.visitMaxs(0, 0);
        huge.visitEnd();
        MethodVisitor small = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "small", "()Ljava/lang/String;", null, null);
        small.visitAnnotation(RETRY, true).visitEnd();
        small.visitCode();
        small.visitLdcInsn("small");
        small.visitInsn(Opcodes.ARETURN);
        small.visitMaxs(0, 0);
        small.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** The methods, by name and descriptor, whose code calls into Bulwark. */
    private static TreeSet<String> methodsCallingTheBridge(byte[] classFile) {
        TreeSet<String> calling = new TreeSet<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String called, boolean isInterface) {
                        if (owner.equals(BRIDGE)) {
                            calling.add(name + descriptor);
                        }
                    }
                };
            }
        }, 0);
        return calling;
    }

    private static CompletableFuture<BulwarkConfig> config() {
        return CompletableFuture.completedFuture(BulwarkConfig.load(null, TooLargeMethodTest.class.getClassLoader(),
                new Properties(), Map.of(), problem -> {
                    throw new AssertionError(problem.toString());
                }));
    }

    private static final class Defining extends ClassLoader {
        Defining(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(byte[] classFile) {
            return defineClass(null, classFile, 0, classFile.length);
        }
    }
}
