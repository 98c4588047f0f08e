package dev.corekit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.config.Config;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.TestContent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provider's files over HTTP, as a CDN and a signed-URL endpoint would serve them. */
class LocalFilesHandlerTest {
    @TempDir
    Path root;

    private HttpServer server;
    private Storage storage;
    private URI base;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files");
        storage = Storage.custom()
                .settings(StorageSettings.custom(Config.defaultsOnly())
                        .localRoot(root)
                        .localUrl(base)
                        .publicBaseUrl(URI.create(base + "/public"))
                        .build())
                .recorder(Recorder.of(new InMemorySink()))
                .build();
        server.createContext("/files", LocalFilesHandler.of(storage));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        storage.close();
    }

    @Test
    void publicFilesAreServedToAnyoneWithTheirImmutableCacheControl() throws Exception {
        storage.publicFiles().put("img/logo 1.png", new byte[] {1, 2, 3}, "image/png");

        HttpResponse<byte[]> response = get(storage.publicFiles().url("img/logo 1.png"), "GET");
        HttpResponse<byte[]> head = get(storage.publicFiles().url("img/logo 1.png"), "HEAD");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(1, 2, 3);
        assertThat(response.headers().firstValue("Cache-Control"))
                .contains(StorageSettings.DEFAULT_PUBLIC_CACHE_CONTROL);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(response.headers().firstValue("X-Corekit-Crc32c")).isPresent();
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("3");
    }

    @Test
    void privateFilesNeedASignatureAndAreNeverCached() throws Exception {
        storage.privateFiles().put("secret.txt", new byte[] {7}, "text/plain");

        assertThat(get(URI.create(base + "/private/secret.txt"), "GET").statusCode())
                .isEqualTo(403);
        HttpResponse<byte[]> signed = get(
                storage.privateFiles()
                        .signGet("secret.txt", Duration.ofMinutes(1))
                        .url(),
                "GET");
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.headers().firstValue("Cache-Control")).contains("private, no-store");
    }

    @Test
    void unknownPathsMethodsAndPublicUploadsAreRefused() throws Exception {
        assertThat(get(URI.create(base + "/elsewhere/x"), "GET").statusCode()).isEqualTo(404);
        assertThat(get(URI.create(base + "/public/missing.png"), "GET").statusCode())
                .isEqualTo(404);
        assertThat(get(URI.create(base + "/private/%C3%28"), "GET").statusCode())
                .isEqualTo(400);
        assertThat(get(URI.create(base + "/public/a/../b"), "GET").statusCode()).isIn(400, 404);
        assertThat(get(URI.create(base + "/public/x"), "DELETE").statusCode()).isEqualTo(405);
        HttpResponse<byte[]> upload = http.send(
                HttpRequest.newBuilder(URI.create(base + "/public/x"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(upload.statusCode()).isEqualTo(403);
    }

    @Test
    void aFileCorruptOnDiskIsCutShortInsteadOfServedWhole() throws Exception {
        byte[] content = TestContent.bytes(3, 200_000);
        storage.publicFiles().put("big.bin", content, "application/octet-stream");
        try (RandomAccessFile file =
                new RandomAccessFile(root.resolve("public/big.bin").toFile(), "rw")) {
            file.seek(1000);
            file.write(~content[1000]);
        }

        assertThatThrownBy(() -> get(storage.publicFiles().url("big.bin"), "GET"))
                .as("the client must not receive a complete corrupt body")
                .isInstanceOf(IOException.class);
    }

    @Test
    void theHandlerServesOnlyTheLocalProvider() {
        assertThatThrownBy(() -> LocalFilesHandler.of(null)).isInstanceOf(NullPointerException.class);
    }

    private HttpResponse<byte[]> get(URI uri, String method) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
