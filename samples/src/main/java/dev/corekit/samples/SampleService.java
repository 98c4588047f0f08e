package dev.corekit.samples;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.CorsPolicy;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.SlowCallWatchdog;
import dev.corekit.auth.httpserver.CorekitHttpFilter;
import dev.corekit.auth.session.MongoSessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenService;
import dev.corekit.config.Config;
import dev.corekit.context.ContextExecutors;
import dev.corekit.messaging.EventConsumer;
import dev.corekit.messaging.IdempotencyStore;
import dev.corekit.messaging.Messaging;
import dev.corekit.messaging.mongo.MongoIdempotencyStore;
import dev.corekit.query.IndexDeclaration;
import dev.corekit.query.QueryClient;
import dev.corekit.samples.http.Routes;
import dev.corekit.samples.orders.Attachments;
import dev.corekit.samples.orders.Catalog;
import dev.corekit.samples.orders.Confirmations;
import dev.corekit.samples.orders.Imports;
import dev.corekit.samples.orders.OrderCreated;
import dev.corekit.samples.orders.OrderRepository;
import dev.corekit.samples.orders.OrdersApi;
import dev.corekit.samples.orders.Pricing;
import dev.corekit.samples.orders.ProductImages;
import dev.corekit.samples.users.LoginApi;
import dev.corekit.samples.users.Users;
import dev.corekit.samples.walkthrough.RecentRequests;
import dev.corekit.samples.walkthrough.Walkthrough;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.local.LocalFilesHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An orders service on the JDK HTTP server, built the way a team builds one on corekit: every setting from the
 * environment, embedded defaults when nothing is set, one interceptor pipeline for every route, JSON in and out. Run it
 * with {@code ./mvnw -Prun-sample package}: it starts, runs a scripted walk-through against itself over HTTP
 * ({@link Walkthrough}) and exits, or keeps serving with {@code -Dcorekit.sample.serve=true}.
 *
 * <p>What each part shows:
 *
 * <ul>
 *   <li>the global pipeline (core-auth): each request's {@code CallContext} from its headers, one operation record per
 *       call named after its route's procedure, the request id echoed in {@code x-request-id}, a watchdog for slow and
 *       hung calls, CORS (preflights answered for the allowed origins), and auth by procedure: login issues tokens in a session stored in MongoDB, an expired access token
 *       of a live session is renewed in flight and sent back in {@code Renewed-Access-Token};
 *   <li>orders, users, products and sessions in MongoDB through core-query's monitored client (an in-process
 *       MongoDB-wire server unless {@code COREKIT_QUERY_MONGODB_URI} is set); products read with its batch loader,
 *       one {@code $in} per order or page;
 *   <li>pricing on a pool wrapped once ({@link ContextExecutors}), through a {@code CompletableFuture} hop whose record
 *       carries the request's context.
 * </ul>
 *
 * <p>Routes: {@code GET /health}, {@code POST /login}, {@code POST /login/refresh}, {@code GET /products} (public);
 * {@code POST /orders}, {@code GET /orders}, {@code GET /orders/{id}}, {@code PUT|GET /orders/{id}/attachments/{name}},
 * {@code POST /orders/imports}, {@code GET /orders/imports/{id}}, {@code PUT /products/{sku}/image} (users, with
 * {@code Authorization: Bearer <access token>}). {@code samples/README.md} describes each.
 */
public final class SampleService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleService.class);

    /** The database the orders live in when the MongoDB URI names none (the embedded server's). */
    public static final String DATABASE = "orders";
    /** The browser origin the sample allows unless {@code COREKIT_AUTH_CORS_ALLOWED_ORIGINS} says otherwise. */
    public static final String DEFAULT_CORS_ORIGIN = "http://localhost:3000";

    private final Deque<AutoCloseable> resources;
    private final HttpServer server;
    private final List<EventConsumer> consumers;
    private final CountDownLatch closed = new CountDownLatch(1);

    private SampleService(Deque<AutoCloseable> resources, HttpServer server, List<EventConsumer> consumers) {
        this.resources = resources;
        this.server = server;
        this.consumers = consumers;
    }

    /**
     * Starts the service with every setting from {@code config}; what it starts is closed again if a later step fails.
     *
     * @throws IOException when the HTTP port cannot be bound
     * @throws dev.corekit.config.InvalidSettingException naming every bad setting
     */
    public static SampleService start(Config config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** Like {@link #start(Config)}, with the clock tokens are issued and checked by. */
    public static SampleService start(Config config, Clock clock) throws IOException {
        SampleSettings settings = SampleSettings.load(config);
        AuthSettings authSettings = AuthSettings.load(config);
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            // Bound first: the local storage provider serves its files from this server, at a URL it must know.
            HttpServer server = bind(settings);
            resources.push(() -> server.stop(0));
            URI baseUri = baseUri(server);

            QueryClient mongo = Connections.mongo(config, resources);
            List<IndexDeclaration> indexes = new ArrayList<>(OrderRepository.INDEXES);
            indexes.addAll(Imports.INDEXES);
            IndexDeclaration.ensure(mongo.database(), indexes);
            Catalog catalog = new Catalog(mongo);
            catalog.seedDemoProducts();
            Users users = new Users(mongo);
            users.seedDemoUsers();

            Messaging messaging = Connections.messaging(config, resources);
            OrderRepository repository = new OrderRepository(mongo);
            IdempotencyStore handled = MongoIdempotencyStore.of(mongo.collection("idempotency", Document.class));
            String serviceName = messaging.settings().producer();
            // order.created consumed once per event id, whatever the broker redelivers.
            EventConsumer confirmations = opened(
                    resources,
                    messaging
                            .consumer(serviceName + ".confirmations")
                            .on(OrderCreated.TYPE, new Confirmations(repository, mongo.monitor()))
                            .idempotencyStore(handled)
                            .start());
            // Bulk imports: pages consumed by every instance's worker, each page once.
            Imports imports = new Imports(mongo, repository, catalog, messaging);
            EventConsumer importPages = opened(resources, imports.startWorker(serviceName + ".import-pages", handled));
            Connections.awaitBroker(messaging);
            Pricing pricing = opened(resources, new Pricing(catalog));
            OrdersApi orders = new OrdersApi(repository, catalog, pricing, messaging.publisher(), mongo.monitor());

            Storage storage = Connections.storage(config, baseUri, resources);
            Attachments attachments = new Attachments(storage.privateFiles(), repository);
            ProductImages images = new ProductImages(storage.publicFiles(), catalog);

            TokenService tokens = tokenService(authSettings, mongo, clock);
            LoginApi login = new LoginApi(users, tokens);
            // The auth factory: one entry per entity type. A user token's principal is the stored user.
            Authenticator authenticator = Authenticator.builder(tokens)
                    .entity(LoginApi.USER, token -> users.find(token.subject()).orElse(null))
                    .settings(authSettings)
                    .build();
            Health health = new Health()
                    .check("mongodb", () -> mongoState(mongo))
                    .check("messaging", () -> messaging.health().name())
                    .check("storage", () -> storageState(storage));

            Routes routes = Routes.builder()
                    .route("GET", "/health", Procedure.named("health").withAuth(Procedure.PUBLIC), health::get)
                    .route("POST", "/login", Procedure.named("login").withAuth(Procedure.PUBLIC), login::login)
                    .route(
                            "POST",
                            "/login/refresh",
                            Procedure.named("login.refresh").withAuth(Procedure.PUBLIC),
                            login::refresh)
                    .route("POST", "/orders", Procedure.named("orders.create").withAuth(LoginApi.USER), orders::create)
                    .route("GET", "/orders", Procedure.named("orders.list").withAuth(LoginApi.USER), orders::list)
                    .route("GET", "/orders/{id}", Procedure.named("orders.get").withAuth(LoginApi.USER), orders::get)
                    .route(
                            "POST",
                            "/orders/imports",
                            // staging and publishing thousands of rows may take a while: its own slow threshold
                            Procedure.named("orders.import")
                                    .withAuth(LoginApi.USER)
                                    .withSlowCallThreshold(Duration.ofSeconds(5)),
                            imports::start)
                    .route(
                            "GET",
                            "/orders/imports/{id}",
                            Procedure.named("orders.import.get").withAuth(LoginApi.USER),
                            imports::status)
                    .route(
                            "PUT",
                            "/orders/{id}/attachments/{name}",
                            Procedure.named("orders.attachments.put").withAuth(LoginApi.USER),
                            attachments::upload)
                    .route(
                            "GET",
                            "/orders/{id}/attachments/{name}",
                            Procedure.named("orders.attachments.get").withAuth(LoginApi.USER),
                            attachments::download)
                    .route(
                            "GET",
                            "/products",
                            Procedure.named("products.list").withAuth(Procedure.PUBLIC),
                            images::list)
                    .route(
                            "PUT",
                            "/products/{sku}/image",
                            Procedure.named("products.image.put").withAuth(LoginApi.USER),
                            images::upload)
                    .build();
            SlowCallWatchdog watchdog = opened(resources, SlowCallWatchdog.of(authSettings));
            // The one global pipeline: request context, a record per call, slow calls, CORS, then auth by procedure.
            Pipeline pipeline = Pipeline.builder()
                    .procedures(routes.procedures())
                    .slowCalls(watchdog)
                    .cors(corsPolicy(config, authSettings))
                    .auth(authenticator)
                    .build();

            ExecutorService workers = ContextExecutors.newFixedThreadPool("http", 8);
            resources.push(workers::shutdown);
            server.setExecutor(workers);
            server.createContext("/", routes.handler()).getFilters().add(CorekitHttpFilter.of(pipeline));
            if (storage.settings().provider() == StorageSettings.Provider.LOCAL) {
                // Stands in for S3/GCS and the CDN: signed URLs and public URLs of the local provider point here.
                server.createContext(Connections.LOCAL_FILES_PATH, LocalFilesHandler.of(storage));
            }
            server.start();
            SampleService service = new SampleService(resources, server, List.of(confirmations, importPages));
            LOG.info("sample service listening on {}", service.baseUri());
            return service;
        } catch (IOException | RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    /**
     * Tokens signed with the platform's HS256 secret ({@code COREKIT_AUTH_HMAC_SECRET}) when set, else with an ES256
     * key made at startup (tokens then die with the process), in sessions stored in MongoDB.
     */
    private static TokenService tokenService(AuthSettings settings, QueryClient mongo, Clock clock) {
        SigningKey key;
        if (settings.hmacSecret().isPresent()) {
            key = SigningKey.hmac(
                    "sample-hs256", Algorithm.HS256, settings.hmacSecret().get());
        } else {
            key = SigningKey.generate("sample-es256", Algorithm.ES256);
            LOG.info(
                    "{} is not set: tokens are signed with a key made at startup, valid in this process only",
                    AuthSettings.HMAC_SECRET.envName());
        }
        MongoSessionStore sessions = MongoSessionStore.of(mongo.collection("sessions", Document.class));
        return TokenService.of(key, KeySet.of(key.verificationKey()), sessions, settings, clock);
    }

    /**
     * The CORS policy of {@code COREKIT_AUTH_CORS_*}; unless origins are configured, the sample allows
     * {@value #DEFAULT_CORS_ORIGIN}, where a front end under development usually runs (a service allows none unless
     * told).
     */
    private static CorsPolicy corsPolicy(Config config, AuthSettings settings) {
        if (config.resolve(AuthSettings.CORS_ALLOWED_ORIGINS).source() == Config.Source.DEFAULT) {
            return CorsPolicy.builder()
                    .allowOrigins(DEFAULT_CORS_ORIGIN)
                    .allowCredentials(settings.corsAllowCredentials())
                    .maxAge(settings.corsMaxAge())
                    .build();
        }
        return CorsPolicy.of(settings);
    }

    /** Whether the storage answers: a stat of a key that need not exist. */
    private static String storageState(Storage storage) {
        storage.privateFiles().stat("health/probe");
        return Health.UP;
    }

    /** What the driver knows of the cluster now, without a round trip. */
    private static String mongoState(QueryClient mongo) {
        return mongo.mongoClient().getClusterDescription().hasWritableServer() ? Health.UP : Health.DOWN;
    }

    private static HttpServer bind(SampleSettings settings) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 0);
        } catch (BindException e) {
            throw new IOException(
                    "cannot listen on " + settings.bindAddress() + ":" + settings.port() + " (" + e.getMessage()
                            + "); choose another port with " + SampleSettings.PORT.envName() + " or -D"
                            + SampleSettings.PORT.propertyName() + " (0 picks a free one)",
                    e);
        }
    }

    static <T extends AutoCloseable> T opened(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where clients reach the service, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        return baseUri(server);
    }

    private static URI baseUri(HttpServer server) {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    /** Blocks until {@link #close()} has run (from a shutdown hook, for instance). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Closes the service and deletes the queues its consumer declared: for tests, which use a service name each. */
    void closeAndDeleteQueues() {
        consumers.forEach(EventConsumer::delete);
        close();
    }

    /** Stops serving and closes everything the service started, in reverse order. Idempotent. */
    @Override
    public void close() {
        synchronized (resources) {
            closeAll(resources, null);
        }
        closed.countDown();
    }

    private static void closeAll(Deque<AutoCloseable> resources, Exception failure) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    LOG.warn("closing a sample resource failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Starts the service on the environment's settings, runs the walk-through against it, then exits, or keeps serving
     * until the process is stopped when {@code corekit.sample.serve} is true.
     */
    public static void main(String[] args) throws Exception {
        SampleSettings settings = SampleSettings.fromEnvironment();
        SampleService service = start(Config.fromEnvironment());
        try {
            Walkthrough.run(service.baseUri(), RecentRequests.shared());
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
        if (!settings.serve()) {
            service.close();
            return;
        }
        ContextExecutors.addShutdownHook("sample-shutdown", service::close);
        // On the narration's logger: a plain line a person reads, next to the walk-through.
        LoggerFactory.getLogger(Walkthrough.class)
                .info(
                        "serving on {} until stopped (Ctrl+C); try: curl -s {}/health (samples/README.md lists every"
                                + " route)",
                        service.baseUri(),
                        service.baseUri());
        service.awaitClose();
    }
}
