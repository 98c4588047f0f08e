package dev.corekit.storage.redteam;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.local.LocalFilesHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local-provider storage over a temporary directory, served by {@link LocalFilesHandler} on the JDK HTTP server, with
 * a hand-moved clock and an in-memory record sink: what every red-team check attacks. Built from the public API only.
 */
abstract class RedTeamFixture {
    static final String SIGNING_KEY = "rt-signing-key-5f0c1e9a7b3d-0123456789abcdef";

    @TempDir
    Path root;

    final MutableClock clock = new MutableClock();
    final InMemorySink sink = new InMemorySink();
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpServer server;
    Storage storage;
    URI base;

    @BeforeEach
    void openStorage() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files");
        storage = Storage.custom()
                .settings(settings().build())
                .recorder(Recorder.of(sink))
                .clock(clock)
                .build();
        server.createContext("/files", LocalFilesHandler.of(storage));
        server.start();
    }

    StorageSettings.Builder settings() {
        return StorageSettings.custom(Config.defaultsOnly())
                .localRoot(root)
                .localUrl(base)
                .publicBaseUrl(URI.create(base + "/public"))
                .localSigningKey(Secret.of(SIGNING_KEY));
    }

    @AfterEach
    void closeStorage() {
        server.stop(0);
        if (storage != null) {
            storage.close();
        }
    }

    /** Every regular file under the root, as paths relative to it. */
    List<String> filesOnDisk() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    HttpResponse<byte[]> send(String method, URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
