package dev.bulwark.agent.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateKeyTest {
    public static final class Order {
        private final String customer;
        private final boolean priority;

        Order(String customer, boolean priority) {
            this.customer = customer;
            this.priority = priority;
        }

        public String customer() {
            return customer;
        }

        public String getRegion() {
            return "eu-" + customer;
        }

        public boolean isPriority() {
            return priority;
        }

        public String failing() {
            throw new IllegalStateException("no key today");
        }
    }

    private static final class HiddenOrder {
        public String customer() {
            return "hidden";
        }
    }

    @Test
    void selectsAnArgumentByPosition() {
        assertThat(RateKey.parse("#1").extract(new Object[] {"a", "b"})).isEqualTo("b");
        assertThat(RateKey.parse("#1").argumentIndex()).isEqualTo(1);
    }

    @Test
    void callsANamedNoArgumentMethodOfTheArgument() {
        Object[] args = {"x", new Order("acme", true)};

        assertThat(RateKey.parse("#1.customer").extract(args)).isEqualTo("acme");
    }

    @Test
    void followsAChainOfGetters() {
        Object[] args = {new Order("acme", true)};

        assertThat(RateKey.parse("#0.customer.length").extract(args)).isEqualTo(4);
    }

    @Test
    void fallsBackToBeanPropertyGetters() {
        Object[] args = {new Order("acme", true)};

        assertThat(RateKey.parse("#0.region").extract(args)).isEqualTo("eu-acme");
        assertThat(RateKey.parse("#0.priority").extract(args)).isEqualTo(true);
    }

    @Test
    void reachesAPublicMethodOfANonPublicClass() {
        assertThat(RateKey.parse("#0.customer").extract(new Object[] {new HiddenOrder()})).isEqualTo("hidden");
    }

    @Test
    void callsAnInternalImplementationThroughItsPublicInterface() {
        assertThat(RateKey.parse("#0.size").extract(new Object[] {List.of(1, 2, 3)})).isEqualTo(3);
    }

    @Test
    void aNullArgumentIsANullKey() {
        assertThat(RateKey.parse("#0.customer").extract(new Object[] {null})).isNull();
        assertThat(RateKey.parse("#0").extract(new Object[] {null})).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "#", "#x", "#-1", "#0.", "#0.1st", "#0.a.", "$0", "#99999999999"})
    void refusesMalformedKeysClearly(String key) {
        assertThatThrownBy(() -> RateKey.parse(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"#N\"");
    }

    @Test
    void refusesANullKey() {
        assertThatThrownBy(() -> RateKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksTheKeyAgainstTheMethodsParameters() {
        RateKey.parse("#1.customer").checkApplicableTo(String.class, Order.class);
        RateKey.parse("#0.intValue").checkApplicableTo(int.class);

        assertThatThrownBy(() -> RateKey.parse("#2").checkApplicableTo(String.class, Order.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument 2");
        assertThatThrownBy(() -> RateKey.parse("#0.shipping").checkApplicableTo(Order.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shipping")
                .hasMessageContaining(Order.class.getName());
    }

    @Test
    void aMissingGetterOrArgumentFailsWhenExtracting() {
        assertThatThrownBy(() -> RateKey.parse("#0.shipping").extract(new Object[] {new Order("a", false)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shipping");
        assertThatThrownBy(() -> RateKey.parse("#1").extract(new Object[] {"only"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGetterFailurePassesThrough() {
        assertThatThrownBy(() -> RateKey.parse("#0.failing").extract(new Object[] {new Order("a", false)}))
                .isInstanceOf(IllegalStateException.class).hasMessage("no key today");
    }
}
