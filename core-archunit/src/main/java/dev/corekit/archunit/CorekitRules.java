package dev.corekit.archunit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Corekit's rule pack: the platform's standards as ArchUnit rules a reviewer enforces in one line.
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "com.acme.orders", importOptions = {ImportOption.DoNotIncludeTests.class,
 *         ImportOption.DoNotIncludeJars.class})
 * class ArchitectureTest {
 *     @ArchTest
 *     static final ArchRule corekit = CorekitRules.ALL;
 * }
 * }</pre>
 *
 * <p>Every rule has a stable id ({@code CK-<AREA>-<NNN>}) at the start of its description, a reason and the corekit
 * API to use instead in its {@code because} clause, so a violation message says what is wrong, why and how to fix it.
 * Rules can be left out by id ({@link #allExcept}), and a legacy module can freeze today's violations and fail only on
 * new ones:
 *
 * <pre>{@code
 * @ArchTest
 * static final ArchRule corekit = FreezingArchRule.freeze(CorekitRules.ALL);
 * // archunit.properties (test resources):
 * //   freeze.store.default.path=src/test/resources/archunit-store
 * //   freeze.store.default.allowStoreCreation=true   (first run only; commit the store)
 * }</pre>
 *
 * <p>The frozen store matches violations ignoring line numbers (ArchUnit's default line matcher), and rule
 * descriptions here never change for a given id, so moving code around does not churn the store.
 *
 * <p>Where a rule guards a concern corekit owns, corekit's owning package is exempt (the S3 client lives in
 * {@code dev.corekit.storage}, raw pools in {@code dev.corekit.context}, ...), so corekit passes its own rules.
 * Compiler-generated classes (synthetic classes, lambda and proxy classes) are never checked.
 */
public final class CorekitRules {
    /**
     * Import options for a fast check of a large module: production classes only, no jars or archives. Use them with
     * {@code @AnalyzeClasses(importOptions = ...)} or {@code new ClassFileImporter().withImportOptions(...)}.
     */
    public static final List<ImportOption> IMPORT_OPTIONS = List.of(
            new ImportOption.DoNotIncludeTests(),
            new ImportOption.DoNotIncludeJars(),
            new ImportOption.DoNotIncludeArchives());

    private static final DescribedPredicate<JavaClass> WRITTEN_BY_HAND = DescribedPredicate.describe(
            "are written by hand",
            javaClass -> !javaClass.getModifiers().contains(JavaModifier.SYNTHETIC)
                    && !javaClass.getName().contains("$$Lambda")
                    && !javaClass.getSimpleName().startsWith("$Proxy"));

    private static final Set<String> RAW_THREAD_TYPES = Set.of(
            "java.lang.Thread",
            "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor",
            "java.util.concurrent.ForkJoinPool");

    /** CK-STORAGE-001: no direct S3 or GCS SDK use outside corekit's storage modules. */
    public static final ArchRule NO_DIRECT_CLOUD_STORAGE = noClasses()
            .that(WRITTEN_BY_HAND)
            .and()
            .resideOutsideOfPackage("dev.corekit.storage..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("software.amazon.awssdk.services.s3..", "com.google.cloud.storage..")
            .as("CK-STORAGE-001 no direct S3 or GCS SDK use")
            .because("uploads must go through corekit's CRC32C check, signed URLs and provider switch;"
                    + " fix: use dev.corekit.storage (core-storage Files API)")
            .allowEmptyShould(true);

    /** CK-CONCURRENCY-001: no raw thread pools or threads outside {@code dev.corekit.context}. */
    public static final ArchRule NO_RAW_THREAD_POOLS = noClasses()
            .that(WRITTEN_BY_HAND)
            .and()
            .resideOutsideOfPackage("dev.corekit.context..")
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "a factory method of java.util.concurrent.Executors that creates a pool",
                    (JavaCall<?> call) -> call.getTargetOwner().getName().equals("java.util.concurrent.Executors")
                            && call.getName().startsWith("new")))
            .orShould()
            .callConstructorWhere(DescribedPredicate.describe(
                    "a constructor of Thread, ThreadPoolExecutor, ScheduledThreadPoolExecutor or ForkJoinPool",
                    (JavaCall<?> call) ->
                            RAW_THREAD_TYPES.contains(call.getTargetOwner().getName())))
            .as("CK-CONCURRENCY-001 no raw thread pools or threads")
            .because("a raw pool drops the CallContext (request id, trace, MDC) at every async hop;"
                    + " fix: use dev.corekit.context.ContextExecutors or CallContext.taskWrapping(executor)")
            .allowEmptyShould(true);

    /** CK-MESSAGING-001: no raw RabbitMQ channels or connection factories outside core-messaging. */
    public static final ArchRule NO_RAW_RABBITMQ = noClasses()
            .that(WRITTEN_BY_HAND)
            .and()
            .resideOutsideOfPackage("dev.corekit.messaging..")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("com.rabbitmq.client.Channel")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("com.rabbitmq.client.ConnectionFactory")
            .as("CK-MESSAGING-001 no raw RabbitMQ channels or connection factories")
            .because("raw channels skip recovery, publisher confirms, retries and the dead-letter queue;"
                    + " fix: use core-messaging's EventPublisher and EventConsumer")
            .allowEmptyShould(true);

    /** CK-AUTH-001: no JWT parsing outside core-auth. */
    public static final ArchRule NO_JWT_PARSING = noClasses()
            .that(WRITTEN_BY_HAND)
            .and()
            .resideOutsideOfPackage("dev.corekit.auth..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.nimbusds.jwt..", "com.nimbusds.jose..", "io.jsonwebtoken..", "com.auth0.jwt..")
            .as("CK-AUTH-001 no JWT parsing outside core-auth")
            .because("token checks (algorithm allow-list, exp required, key rotation, clock skew) live in one place;"
                    + " fix: use core-auth's token verifier through the interceptor pipeline")
            .allowEmptyShould(true);

    /** CK-LOGGING-001: no standard streams and no printStackTrace. */
    public static final ArchRule NO_STANDARD_STREAMS = noClasses()
            .that(WRITTEN_BY_HAND)
            .should()
            .accessField(System.class, "out")
            .orShould()
            .accessField(System.class, "err")
            .orShould()
            .callMethodWhere(DescribedPredicate.describe(
                    "Throwable.printStackTrace",
                    (JavaCall<?> call) -> call.getName().equals("printStackTrace")
                            && call.getTargetOwner().isAssignableTo(Throwable.class)))
            .as("CK-LOGGING-001 no System.out, System.err or printStackTrace")
            .because("they bypass structured logs, redaction and the request context;"
                    + " fix: use an SLF4J logger or dev.corekit.logging.Operations")
            .allowEmptyShould(true);

    /** CK-LOGGING-002: no java.util.logging. */
    public static final ArchRule NO_JAVA_UTIL_LOGGING = noClasses()
            .that(WRITTEN_BY_HAND)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("java.util.logging..")
            .as("CK-LOGGING-002 no java.util.logging")
            .because("JUL bypasses the platform's JSON output and MongoDB persistence;" + " fix: use an SLF4J logger")
            .allowEmptyShould(true);

    /** CK-LOGGING-003: SLF4J loggers are private static final. */
    public static final ArchRule LOGGERS_PRIVATE_STATIC_FINAL = fields().that()
            .haveRawType("org.slf4j.Logger")
            .should()
            .bePrivate()
            .andShould()
            .beStatic()
            .andShould()
            .beFinal()
            .as("CK-LOGGING-003 SLF4J loggers are private static final")
            .because("a logger per instance costs a lookup per object, and a shared one logs under a foreign name;"
                    + " fix: private static final Logger LOG = LoggerFactory.getLogger(Owner.class)")
            .allowEmptyShould(true);

    /** CK-QUERY-001: MongoDB collections come from the client corekit configures. */
    public static final ArchRule NO_UNMONITORED_MONGO = noClasses()
            .that(WRITTEN_BY_HAND)
            .and()
            .resideOutsideOfPackages("dev.corekit.query..", "dev.corekit.logging..")
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "MongoClients.create or MongoDatabase.getCollection",
                    (JavaCall<?> call) -> (call.getTargetOwner().getName().equals("com.mongodb.client.MongoClients")
                                    && call.getName().equals("create"))
                            || (call.getTargetOwner().getName().equals("com.mongodb.client.MongoDatabase")
                                    && call.getName().equals("getCollection"))))
            .as("CK-QUERY-001 no MongoDB client or collection built outside corekit")
            .because("a client corekit did not configure has no command monitor, so N+1 and scans go unseen;"
                    + " fix: take collections from the MongoClient core-query configures")
            .allowEmptyShould(true);

    /** CK-INTERNAL-001: a corekit {@code internal} package is used only by the area that owns it. */
    public static final ArchRule NO_FOREIGN_INTERNALS = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
            .that(WRITTEN_BY_HAND)
            .should(useOnlyTheirOwnCorekitInternals())
            .as("CK-INTERNAL-001 no use of another area's corekit internal packages")
            .because("internal packages change without notice between corekit releases;"
                    + " fix: use the public API of that corekit module")
            .allowEmptyShould(true);

    private static final Map<String, ArchRule> BY_ID = index(
            NO_DIRECT_CLOUD_STORAGE,
            NO_RAW_THREAD_POOLS,
            NO_RAW_RABBITMQ,
            NO_JWT_PARSING,
            NO_STANDARD_STREAMS,
            NO_JAVA_UTIL_LOGGING,
            LOGGERS_PRIVATE_STATIC_FINAL,
            NO_UNMONITORED_MONGO,
            NO_FOREIGN_INTERNALS);

    /** Storage rules. */
    public static final ArchRule STORAGE = NO_DIRECT_CLOUD_STORAGE;
    /** Concurrency rules. */
    public static final ArchRule CONCURRENCY = NO_RAW_THREAD_POOLS;
    /** Messaging rules. */
    public static final ArchRule MESSAGING = NO_RAW_RABBITMQ;
    /** Auth rules. */
    public static final ArchRule AUTH = NO_JWT_PARSING;
    /** Logging rules. */
    public static final ArchRule LOGGING =
            CompositeArchRule.of(NO_STANDARD_STREAMS).and(NO_JAVA_UTIL_LOGGING).and(LOGGERS_PRIVATE_STATIC_FINAL);
    /** Query rules. */
    public static final ArchRule QUERY = NO_UNMONITORED_MONGO;
    /** Rules about corekit's own module boundaries. */
    public static final ArchRule INTERNALS = NO_FOREIGN_INTERNALS;

    /** Every rule of the pack. */
    public static final ArchRule ALL = composite(List.copyOf(BY_ID.values()));

    private CorekitRules() {}

    /** The ids of every rule, in the pack's order. */
    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    /**
     * One rule by id.
     *
     * @throws IllegalArgumentException for an unknown id, listing the valid ones
     */
    public static ArchRule byId(String id) {
        ArchRule rule = BY_ID.get(id);
        if (rule == null) {
            throw new IllegalArgumentException("unknown corekit rule id '" + id + "'; valid ids: " + ids());
        }
        return rule;
    }

    /**
     * Every rule but the excluded ones.
     *
     * @throws IllegalArgumentException for an unknown id, listing the valid ones, or when nothing would remain
     */
    public static ArchRule allExcept(String... excludedIds) {
        List<String> excluded = Arrays.asList(excludedIds);
        for (String id : excluded) {
            byId(id);
        }
        List<ArchRule> remaining = new ArrayList<>();
        BY_ID.forEach((id, rule) -> {
            if (!excluded.contains(id)) {
                remaining.add(rule);
            }
        });
        if (remaining.isEmpty()) {
            throw new IllegalArgumentException("excluding " + excluded + " leaves no corekit rule to check");
        }
        return composite(remaining);
    }

    private static ArchRule composite(List<ArchRule> rules) {
        CompositeArchRule composite = CompositeArchRule.of(rules.get(0));
        for (ArchRule rule : rules.subList(1, rules.size())) {
            composite = composite.and(rule);
        }
        return composite;
    }

    private static Map<String, ArchRule> index(ArchRule... rules) {
        Map<String, ArchRule> byId = new LinkedHashMap<>();
        for (ArchRule rule : rules) {
            String id = rule.getDescription().split(" ", 2)[0];
            byId.put(id, rule);
        }
        return byId;
    }

    private static ArchCondition<JavaClass> useOnlyTheirOwnCorekitInternals() {
        return new ArchCondition<>("use only their own area's corekit internal packages") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String originPackage = origin.getPackageName();
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getPackageName();
                    if (!target.startsWith("dev.corekit.")) {
                        continue;
                    }
                    int internal = target.indexOf(".internal");
                    if (internal < 0 || !(target.length() == internal + 9 || target.charAt(internal + 9) == '.')) {
                        continue;
                    }
                    String owner = target.substring(0, internal);
                    if (!originPackage.equals(owner) && !originPackage.startsWith(owner + ".")) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }
}
