package dev.bulwark.agent.weave;

import java.util.HashSet;
import java.util.Set;

/**
 * The site ids in a woven class file. Each protected method's id is woven as a constant-pool integer, first a
 * placeholder (a base, chosen so the original class has no integer constant in its range, plus the method's
 * index in its class) and then patched to the id this JVM gave the method. The woven class with placeholders
 * depends only on the class and the config, so it can be kept across JVMs; each JVM patches in its own ids.
 */
final class SiteIdConstants {
    /** How many placeholders a class may hold, and the step between candidate bases. */
    static final int RANGE = 1 << 16;
    private static final int FIRST_BASE = 0x5EED0000;

    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int FLOAT = 4;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int FIELD_REF = 9;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;
    private static final int METHOD_TYPE = 16;
    private static final int DYNAMIC = 17;
    private static final int INVOKE_DYNAMIC = 18;
    private static final int MODULE = 19;
    private static final int PACKAGE = 20;

    private SiteIdConstants() {
    }

    /** A base whose range holds no integer constant of {@code classFile}. */
    static int placeholderBase(byte[] classFile) {
        Set<Integer> ranges = new HashSet<>();
        forEachInteger(classFile, (offset, value) -> ranges.add(value >>> 16));
        int base = FIRST_BASE;
        while (ranges.contains(base >>> 16)) {
            base += RANGE;
        }
        return base;
    }

    /**
     * {@code woven} with each placeholder {@code base + i} replaced by {@code ids[i]}, in place of the constant,
     * so the class file keeps its length and layout.
     *
     * @throws IllegalArgumentException when the class file holds a placeholder of no site, or is malformed
     */
    static byte[] patch(byte[] woven, int base, int[] ids) {
        byte[] patched = woven.clone();
        forEachInteger(woven, (offset, value) -> {
            long index = (long) value - base;
            if (index < 0 || index >= RANGE) {
                return;
            }
            if (index >= ids.length) {
                throw new IllegalArgumentException("site placeholder " + index + " of " + ids.length);
            }
            int id = ids[(int) index];
            patched[offset] = (byte) (id >>> 24);
            patched[offset + 1] = (byte) (id >>> 16);
            patched[offset + 2] = (byte) (id >>> 8);
            patched[offset + 3] = (byte) id;
        });
        return patched;
    }

    private interface IntegerVisitor {
        void visit(int offset, int value);
    }

    /** Hands each CONSTANT_Integer's value, with the offset of its four bytes, to {@code visitor}. */
    private static void forEachInteger(byte[] classFile, IntegerVisitor visitor) {
        if (classFile.length < 10 || readInt(classFile, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = readUnsignedShort(classFile, 8);
        int offset = 10;
        for (int index = 1; index < count; index++) {
            int tag = classFile[offset] & 0xFF;
            offset++;
            switch (tag) {
                case UTF8:
                    offset += 2 + readUnsignedShort(classFile, offset);
                    break;
                case INTEGER:
                    visitor.visit(offset, readInt(classFile, offset));
                    offset += 4;
                    break;
                case FLOAT:
                case FIELD_REF:
                case METHOD_REF:
                case INTERFACE_METHOD_REF:
                case NAME_AND_TYPE:
                case DYNAMIC:
                case INVOKE_DYNAMIC:
                    offset += 4;
                    break;
                case LONG:
                case DOUBLE:
                    offset += 8;
                    index++;
                    break;
                case CLASS:
                case STRING:
                case METHOD_TYPE:
                case MODULE:
                case PACKAGE:
                    offset += 2;
                    break;
                case METHOD_HANDLE:
                    offset += 3;
                    break;
                default:
                    throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
            if (offset > classFile.length) {
                throw new IllegalArgumentException("truncated constant pool");
            }
        }
    }

    private static int readUnsignedShort(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    private static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }
}
