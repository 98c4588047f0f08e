package dev.corekit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProceduresTest {
    private final Procedure health = Procedure.named("health").withAuth(Procedure.PUBLIC);
    private final Procedure order = Procedure.named("orders.get").withAuth("user");
    private final Procedure admin = Procedure.named("admin").withAuth("staff");
    private final Procedures procedures = Procedures.builder()
            .route("GET", "/health", health)
            .route("get", "/orders/{id}", order)
            .route("*", "/admin/**", admin)
            .build();

    @Test
    void routesMatchByMethodAndPathTemplate() {
        assertThat(procedures.resolve("GET", "/health")).isEqualTo(health);
        assertThat(procedures.resolve("GET", "/orders/42")).isEqualTo(order);
        assertThat(procedures.resolve("DELETE", "/admin")).isEqualTo(admin);
        assertThat(procedures.resolve("POST", "/admin/users/7/disable")).isEqualTo(admin);
    }

    @Test
    void anUnroutedCallIsNamedByMethodAndKeepsTheDefaultVariant() {
        Procedure fallback = procedures.resolve("POST", "/health");

        assertThat(fallback.name()).isEqualTo("http.post");
        assertThat(fallback.authVariant()).isEmpty();
        assertThat(procedures.resolve("GET", "/orders/42/items").name()).isEqualTo("http.get");
    }

    @Test
    void badPatternsAndNamesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Procedures.builder().route("GET", "/a/**/b", health))
                .hasMessageContaining("'**' may only end a route pattern");
        assertThatThrownBy(() -> Procedures.builder().route("GET", "orders", health))
                .hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> Procedure.named("")).hasMessageContaining("procedure name");
        assertThatThrownBy(() -> Procedure.named("x").withAuth("User")).hasMessageContaining("auth variant");
    }

    @Test
    void perProcedureThresholdsMustKeepHungAfterSlow() {
        Procedure p = Procedure.named("reports.build").withSlowCallThreshold(Duration.ofSeconds(5));

        assertThatThrownBy(() -> p.withHungCallThreshold(Duration.ofSeconds(5)))
                .hasMessageContaining("must be longer than its slow-call threshold");
        assertThat(p.withHungCallThreshold(Duration.ofSeconds(6)).hungCallThreshold())
                .contains(Duration.ofSeconds(6));
    }
}
