package dev.bulwark.agent.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** {@code list}: the JVMs on this machine that this user may attach to, as the JDK's attach API sees them. */
final class LocalJvms {
    private LocalJvms() {
    }

    static void list(PrintStream out) {
        String self = String.valueOf(ProcessHandle.current().pid());
        List<VirtualMachineDescriptor> jvms = VirtualMachine.list().stream()
                .filter(jvm -> !jvm.id().equals(self))
                .sorted(Comparator.comparingLong(jvm -> pidOrMax(jvm.id())))
                .collect(Collectors.toList());
        for (VirtualMachineDescriptor jvm : jvms) {
            out.println(jvm.id() + "\t" + (jvm.displayName().isEmpty() ? "(no main class)" : jvm.displayName()));
        }
    }

    private static long pidOrMax(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
