package dev.bulwark.agent.chain;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;

/**
 * A result check as one call: {@link #of} turns a method handle into a class of its own whose
 * {@code static final} field holds the handle, so the JIT sees the handle as a constant and inlines what it
 * calls (the predicate method, or an expression's getters and comparison) into the check's caller. Held in a
 * field of an object instead, a handle is called without inlining, and that call is most of what a check costs.
 *
 * <p>The class is hidden (Java 16 and newer), defined beside this one with the handle as its class data: it can
 * be collected with the handle, so a check never keeps an undeployed application's class loader alive. On an older
 * Java {@link #of} wraps the handle instead.
 */
interface CompiledCheck {
    MethodType SELF_AND_RESULT = MethodType.methodType(boolean.class, Object.class, Object.class);

    /** @throws Throwable whatever the check throws; its caller judges that the check cannot judge */
    boolean test(Object self, Object result) throws Throwable;

    /** @param check of type {@link #SELF_AND_RESULT} */
    static CompiledCheck of(MethodHandle check) {
        CompiledCheck compiled = Spinner.spin(check);
        return compiled != null ? compiled : (self, result) -> (boolean) check.invokeExact(self, result);
    }

    /** Defines the hidden classes; absent before Java 16, where {@link #spin} answers null. */
    final class Spinner {
        private static final String HANDLE = "CHECK";
        private static final String HANDLE_DESCRIPTOR = Type.getDescriptor(MethodHandle.class);
        private static final Method DEFINE = defineWithClassData();
        private static final Object NO_OPTIONS = DEFINE == null ? null
                : Array.newInstance(DEFINE.getParameterTypes()[3].getComponentType(), 0);
        private static final byte[] BYTES = DEFINE == null ? null : classBytes();

        private Spinner() {
        }

        private static Method defineWithClassData() {
            try {
                Class<?> options = Class.forName("java.lang.invoke.MethodHandles$Lookup$ClassOption");
                return MethodHandles.Lookup.class.getMethod("defineHiddenClassWithClassData", byte[].class,
                        Object.class, boolean.class, Array.newInstance(options, 0).getClass());
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }

        /** Null when hidden classes are not available, or one could not be defined: the check is wrapped instead. */
        static CompiledCheck spin(MethodHandle check) {
            if (DEFINE == null) {
                return null;
            }
            try {
                MethodHandles.Lookup hidden = (MethodHandles.Lookup) DEFINE.invoke(MethodHandles.lookup(), BYTES,
                        check, true, NO_OPTIONS);
                return (CompiledCheck) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                        .invoke();
            } catch (Throwable e) {
                return null;
            }
        }

        /**
         * {@code final class CompiledCheck$Constant implements CompiledCheck}: {@code static final MethodHandle
         * CHECK = classData}, and {@code test} calls {@code CHECK.invokeExact(self, result)}.
         */
        private static byte[] classBytes() {
            String name = Type.getInternalName(CompiledCheck.class) + "$Constant";
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            writer.visit(Opcodes.V11, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                    new String[] {Type.getInternalName(CompiledCheck.class)});
            writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, HANDLE, HANDLE_DESCRIPTOR,
                    null, null).visitEnd();

            MethodVisitor init = writer.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            init.visitCode();
            init.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
            init.visitLdcInsn("_");
            init.visitLdcInsn(Type.getType(MethodHandle.class));
            init.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
            init.visitTypeInsn(Opcodes.CHECKCAST, Type.getInternalName(MethodHandle.class));
            init.visitFieldInsn(Opcodes.PUTSTATIC, name, HANDLE, HANDLE_DESCRIPTOR);
            init.visitInsn(Opcodes.RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();

            MethodVisitor constructor = writer.visitMethod(0, "<init>", "()V", null, null);
            constructor.visitCode();
            constructor.visitVarInsn(Opcodes.ALOAD, 0);
            constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            constructor.visitInsn(Opcodes.RETURN);
            constructor.visitMaxs(0, 0);
            constructor.visitEnd();

            String descriptor = SELF_AND_RESULT.toMethodDescriptorString();
            MethodVisitor test = writer.visitMethod(Opcodes.ACC_PUBLIC, "test", descriptor, null, null);
            test.visitCode();
            test.visitFieldInsn(Opcodes.GETSTATIC, name, HANDLE, HANDLE_DESCRIPTOR);
            test.visitVarInsn(Opcodes.ALOAD, 1);
            test.visitVarInsn(Opcodes.ALOAD, 2);
            test.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", descriptor, false);
            test.visitInsn(Opcodes.IRETURN);
            test.visitMaxs(0, 0);
            test.visitEnd();

            writer.visitEnd();
            return writer.toByteArray();
        }
    }
}
