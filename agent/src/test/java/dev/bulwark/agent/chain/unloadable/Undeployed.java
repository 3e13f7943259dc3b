package dev.bulwark.agent.chain.unloadable;

/** A class of an application that goes away: SiblingMethodTest loads it in a class loader of its own. */
public final class Undeployed {
    /** Each loader's copy of the class counts its own calls. */
    private static int calls;

    private Undeployed() {
    }

    static String fallback(String order) {
        return "fallback " + ++calls + " for " + order;
    }
}
