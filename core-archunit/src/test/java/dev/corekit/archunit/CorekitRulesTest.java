package dev.corekit.archunit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorekitRulesTest {
    static final String FIXTURES = "dev.corekit.archunit.fixtures.";

    static List<String> violations(ArchRule rule, String... packages) {
        JavaClasses classes = new ClassFileImporter().importPackages(packages);
        return rule.evaluate(classes).getFailureReport().getDetails();
    }

    @Test
    void storageRuleFindsEverySdkCallOutsideCorekitStorage() {
        assertThat(violations(CorekitRules.NO_DIRECT_CLOUD_STORAGE, FIXTURES + "storage"))
                .containsExactlyInAnyOrder(
                        "Method <dev.corekit.archunit.fixtures.storage.violating.UsesGcs.options()> calls method"
                                + " <com.google.cloud.storage.StorageOptions.getDefaultInstance()> in (UsesGcs.java:5)",
                        "Method <dev.corekit.archunit.fixtures.storage.violating.UsesS3.client()> calls method"
                                + " <software.amazon.awssdk.services.s3.S3Client.builder()> in (UsesS3.java:5)");
    }

    @Test
    void concurrencyRuleFindsRawPoolsAndThreadsIncludingInsideLambdasOnce() {
        assertThat(violations(CorekitRules.NO_RAW_THREAD_POOLS, FIXTURES + "concurrency"))
                .containsExactlyInAnyOrder(
                        "Method <dev.corekit.archunit.fixtures.concurrency.violating.PoolInLambda.lazyPool()> calls"
                                + " method <java.util.concurrent.Executors.newSingleThreadExecutor()> in"
                                + " (PoolInLambda.java:9)",
                        "Method <dev.corekit.archunit.fixtures.concurrency.violating.RawPool.pool()> calls method"
                                + " <java.util.concurrent.Executors.newFixedThreadPool(int)> in (RawPool.java:8)",
                        "Method <dev.corekit.archunit.fixtures.concurrency.violating.RawThread.start(java.lang.Runnable)>"
                                + " calls constructor <java.lang.Thread.<init>(java.lang.Runnable)> in"
                                + " (RawThread.java:5)");
    }

    @Test
    void messagingRuleFindsRawChannelsAndConnectionFactories() {
        assertThat(violations(CorekitRules.NO_RAW_RABBITMQ, FIXTURES + "messaging"))
                .containsExactlyInAnyOrder(
                        "Field <dev.corekit.archunit.fixtures.messaging.violating.RawChannel.channel> has type"
                                + " <com.rabbitmq.client.Channel> in (RawChannel.java:0)",
                        "Method <dev.corekit.archunit.fixtures.messaging.violating.RawChannel.channel()> has return"
                                + " type <com.rabbitmq.client.Channel> in (RawChannel.java:0)",
                        "Method <dev.corekit.archunit.fixtures.messaging.violating.RawChannel.factory()> calls"
                                + " constructor <com.rabbitmq.client.ConnectionFactory.<init>()> in (RawChannel.java:9)");
    }

    @Test
    void authRuleFindsJwtParsing() {
        assertThat(violations(CorekitRules.NO_JWT_PARSING, FIXTURES + "auth"))
                .containsExactly(
                        "Method <dev.corekit.archunit.fixtures.auth.violating.ParsesJwt.parse(java.lang.String)>"
                                + " calls method <com.nimbusds.jwt.SignedJWT.parse(java.lang.String)> in (ParsesJwt.java:5)");
    }

    @Test
    void loggingRulesFindStreamsPrintStackTraceJulAndBadLoggers() {
        String prints =
                "Method <dev.corekit.archunit.fixtures.logging.violating.PrintsToStdout.report(java.lang.Exception)>";
        assertThat(violations(CorekitRules.NO_STANDARD_STREAMS, FIXTURES + "logging"))
                .containsExactlyInAnyOrder(
                        prints + " calls method <java.lang.Exception.printStackTrace()> in (PrintsToStdout.java:7)",
                        prints + " gets field <java.lang.System.err> in (PrintsToStdout.java:6)",
                        prints + " gets field <java.lang.System.out> in (PrintsToStdout.java:5)");
        assertThat(violations(CorekitRules.NO_JAVA_UTIL_LOGGING, FIXTURES + "logging"))
                .containsExactlyInAnyOrder(
                        "Method <dev.corekit.archunit.fixtures.logging.violating.UsesJul.log()> calls method"
                                + " <java.util.logging.Logger.getLogger(java.lang.String)> in (UsesJul.java:5)",
                        "Method <dev.corekit.archunit.fixtures.logging.violating.UsesJul.log()> calls method"
                                + " <java.util.logging.Logger.info(java.lang.String)> in (UsesJul.java:5)");
        assertThat(violations(CorekitRules.LOGGERS_PRIVATE_STATIC_FINAL, FIXTURES + "logging"))
                .containsExactlyInAnyOrder(
                        "Field <dev.corekit.archunit.fixtures.logging.violating.BadLoggers.SHARED> does not have"
                                + " modifier PRIVATE in (BadLoggers.java:0)",
                        "Field <dev.corekit.archunit.fixtures.logging.violating.BadLoggers.perInstance> does not have"
                                + " modifier STATIC in (BadLoggers.java:0)");
    }

    @Test
    void queryRuleFindsClientsAndCollectionsBuiltOutsideCorekit() {
        assertThat(violations(CorekitRules.NO_UNMONITORED_MONGO, FIXTURES + "query"))
                .containsExactlyInAnyOrder(
                        "Method <dev.corekit.archunit.fixtures.query.violating.BuildsOwnClient.client()> calls method"
                                + " <com.mongodb.client.MongoClients.create(java.lang.String)> in"
                                + " (BuildsOwnClient.java:9)",
                        "Method <dev.corekit.archunit.fixtures.query.violating.BuildsOwnClient.orders("
                                + "com.mongodb.client.MongoDatabase)> calls method"
                                + " <com.mongodb.client.MongoDatabase.getCollection(java.lang.String)> in"
                                + " (BuildsOwnClient.java:13)");
    }

    @Test
    void internalsRuleAllowsTheOwnerAndFindsEveryOtherUser() {
        assertThat(violations(CorekitRules.NO_FOREIGN_INTERNALS, "dev.corekit"))
                .containsExactly("Method <dev.corekit.archunit.fixtures.internals.violating.Intruder.peek()> calls"
                        + " method <dev.corekit.fake.internal.Hidden.value()> in (Intruder.java:5)");
    }

    @Test
    void compliantFixturesPassEveryRule() {
        assertThat(violations(
                        CorekitRules.ALL,
                        FIXTURES + "storage.compliant",
                        FIXTURES + "concurrency.compliant",
                        FIXTURES + "logging.compliant"))
                .isEmpty();
    }

    @Test
    void corekitRulePackPassesItsOwnRules() {
        assertThat(violations(CorekitRules.ALL, "dev.corekit.archunit").stream()
                        .filter(v -> !v.contains(".fixtures."))
                        .toList())
                .isEmpty();
    }

    @Test
    void everyViolationMessageCarriesIdReasonAndFix() {
        for (String id : CorekitRules.ids()) {
            String description = CorekitRules.byId(id).getDescription();
            assertThat(description)
                    .as(id)
                    .startsWith(id + " ")
                    .contains(", because ")
                    .contains("fix: ");
        }
        assertThat(CorekitRules.ids())
                .containsExactly(
                        "CK-STORAGE-001",
                        "CK-CONCURRENCY-001",
                        "CK-MESSAGING-001",
                        "CK-AUTH-001",
                        "CK-LOGGING-001",
                        "CK-LOGGING-002",
                        "CK-LOGGING-003",
                        "CK-QUERY-001",
                        "CK-INTERNAL-001");
    }

    @Test
    void excludedRulesAreNotChecked() {
        ArchRule withoutLogging = CorekitRules.allExcept("CK-LOGGING-001", "CK-LOGGING-002", "CK-LOGGING-003");

        assertThat(violations(withoutLogging, FIXTURES + "logging")).isEmpty();
        assertThat(violations(withoutLogging, FIXTURES + "storage")).hasSize(2);
    }

    @Test
    void unknownIdIsRejectedListingTheValidOnes() {
        assertThatThrownBy(() -> CorekitRules.allExcept("CK-LOGGING-009"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown corekit rule id 'CK-LOGGING-009'")
                .hasMessageContaining("CK-LOGGING-001");
        assertThatThrownBy(() -> CorekitRules.allExcept(CorekitRules.ids().toArray(String[]::new)))
                .hasMessageContaining("leaves no corekit rule");
    }

    @Test
    void importOptionsLeaveOutTestsAndJars() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOptions(CorekitRules.IMPORT_OPTIONS)
                .importPackages("dev.corekit.archunit", "org.slf4j");

        assertThat(classes.contain(CorekitRules.class)).isTrue();
        assertThat(classes.contain(CorekitRulesTest.class)).as("tests left out").isFalse();
        assertThat(classes.contain(org.slf4j.Logger.class)).as("jars left out").isFalse();
    }
}
