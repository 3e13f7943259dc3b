package dev.bulwark.agent.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RingIndexTest {
    private static final long LAST_SEQUENCE = (1L << RingIndex.SEQUENCE_BITS) - 1;

    /** Every small size, the sizes around each power of two, and the largest window. */
    static IntStream sizes() {
        IntStream small = IntStream.rangeClosed(1, 1100);
        IntStream nearPowers = IntStream.rangeClosed(11, 20).flatMap(bits -> IntStream.of((1 << bits) - 1, 1 << bits, (1 << bits) + 1));
        IntStream common = IntStream.of(10_000, 100_000, 999_983, CircuitBreaker.MAX_WINDOW_SIZE);
        return IntStream.concat(IntStream.concat(small, nearPowers), common);
    }

    @Test
    void equalsTheRemainderOverTheWholeSequenceRange() {
        List<String> wrong = sizes().boxed().flatMap(RingIndexTest::wrongSlots).limit(10).collect(Collectors.toList());

        assertThat(wrong).isEmpty();
    }

    private static Stream<String> wrongSlots(int size) {
        RingIndex ring = new RingIndex(size);
        SplittableRandom random = new SplittableRandom(size);
        LongStream firstLaps = LongStream.range(0, 3L * size + 2);
        LongStream edges = LongStream.rangeClosed(0, 2L * size + 2).map(back -> LAST_SEQUENCE - back);
        LongStream anywhere = random.longs(2_000, 0, LAST_SEQUENCE + 1);
        LongStream lapBoundaries = random.longs(2_000, 1, LAST_SEQUENCE / size)
                .flatMap(lap -> LongStream.of(lap * size - 1, lap * size, lap * size + 1));

        return LongStream.concat(LongStream.concat(firstLaps, edges), LongStream.concat(anywhere, lapBoundaries))
                .filter(sequence -> ring.of(sequence) != sequence % size)
                .mapToObj(sequence -> sequence + " % " + size + " gave " + ring.of(sequence));
    }

    @Test
    void refusesAnEmptyRing() {
        assertThatThrownBy(() -> new RingIndex(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
