package dev.corekit.samples;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.httpserver.CorekitHttpFilter;
import dev.corekit.config.Config;
import dev.corekit.context.ContextExecutors;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import dev.corekit.samples.embedded.EmbeddedMongo;
import dev.corekit.samples.http.Routes;
import dev.corekit.samples.orders.OrderRepository;
import dev.corekit.samples.orders.OrdersApi;
import dev.corekit.samples.orders.Pricing;
import dev.corekit.samples.walkthrough.RecentRequests;
import dev.corekit.samples.walkthrough.Walkthrough;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
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
 *       call named after its route's procedure, the request id echoed in {@code x-request-id};
 *   <li>orders in MongoDB through core-query's monitored client: an in-process MongoDB-wire server unless
 *       {@code COREKIT_QUERY_MONGODB_URI} is set;
 *   <li>pricing on a pool wrapped once ({@link ContextExecutors}), through a {@code CompletableFuture} hop whose record
 *       carries the request's context.
 * </ul>
 *
 * <p>Routes: {@code GET /health}, {@code POST /orders}, {@code GET /orders}, {@code GET /orders/{id}}.
 */
public final class SampleService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SampleService.class);

    /** The database the orders live in when the MongoDB URI names none (the embedded server's). */
    public static final String DATABASE = "orders";

    private final Deque<AutoCloseable> resources;
    private final HttpServer server;
    private final CountDownLatch closed = new CountDownLatch(1);

    private SampleService(Deque<AutoCloseable> resources, HttpServer server) {
        this.resources = resources;
        this.server = server;
    }

    /**
     * Starts the service with every setting from {@code config}; what it starts is closed again if a later step fails.
     *
     * @throws IOException when the HTTP port cannot be bound
     * @throws dev.corekit.config.InvalidSettingException naming every bad setting
     */
    public static SampleService start(Config config) throws IOException {
        SampleSettings settings = SampleSettings.load(config);
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            QueryClient mongo = opened(resources, mongoClient(config, resources));
            Pricing pricing = opened(resources, new Pricing());
            OrdersApi orders = new OrdersApi(new OrderRepository(mongo), pricing, mongo.monitor());
            Health health = new Health().check("mongodb", () -> mongoState(mongo));

            Routes routes = Routes.builder()
                    .route("GET", "/health", Procedure.named("health").withAuth(Procedure.PUBLIC), health::get)
                    .route("POST", "/orders", Procedure.named("orders.create"), orders::create)
                    .route("GET", "/orders", Procedure.named("orders.list"), orders::list)
                    .route("GET", "/orders/{id}", Procedure.named("orders.get"), orders::get)
                    .build();
            Pipeline pipeline =
                    Pipeline.builder().procedures(routes.procedures()).build();

            HttpServer server = bind(settings);
            ExecutorService workers = ContextExecutors.newFixedThreadPool("http", 8);
            resources.push(workers::shutdown);
            server.setExecutor(workers);
            server.createContext("/", routes.handler()).getFilters().add(CorekitHttpFilter.of(pipeline));
            server.start();
            resources.push(() -> server.stop(0));
            SampleService service = new SampleService(resources, server);
            LOG.info("sample service listening on {}", service.baseUri());
            return service;
        } catch (IOException | RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    private static QueryClient mongoClient(Config config, Deque<AutoCloseable> resources) {
        QuerySettings query = QuerySettings.load(config);
        if (query.mongodbUri().isEmpty()) {
            EmbeddedMongo embedded = opened(resources, EmbeddedMongo.start(DATABASE));
            LOG.info(
                    "{} is not set: using an in-process MongoDB-wire server at {}",
                    QuerySettings.MONGODB_URI.envName(),
                    embedded.uri());
            query = QuerySettings.custom(config).mongodbUri(embedded.uri()).build();
        }
        return QueryClient.custom().settings(query).build();
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

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
    }

    /** The port the service listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where clients reach the service, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    /** Blocks until {@link #close()} has run (from a shutdown hook, for instance). */
    public void awaitClose() throws InterruptedException {
        closed.await();
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
        LOG.info("serving on {} until stopped (Ctrl+C); try: curl -s {}/health", service.baseUri(), service.baseUri());
        service.awaitClose();
    }
}
