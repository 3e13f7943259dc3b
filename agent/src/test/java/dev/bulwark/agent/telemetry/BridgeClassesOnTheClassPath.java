package dev.bulwark.agent.telemetry;

import java.net.URL;

/** The agent loader as its jar lays it out: the bridge's class files under {@code bridge/}, as {@code .classdata}. */
final class BridgeClassesOnTheClassPath extends ClassLoader {
    BridgeClassesOnTheClassPath() {
        super(BridgeClassesOnTheClassPath.class.getClassLoader());
    }

    @Override
    public URL getResource(String name) {
        String folder = "bridge/";
        String suffix = ".classdata";
        if (name.startsWith(folder) && name.endsWith(suffix)) {
            return getParent().getResource(name.substring(folder.length(), name.length() - suffix.length()) + ".class");
        }
        return super.getResource(name);
    }
}
