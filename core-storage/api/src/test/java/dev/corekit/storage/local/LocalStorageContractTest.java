package dev.corekit.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.SignedUrl;
import dev.corekit.storage.Storage;
import dev.corekit.storage.StorageSettings;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.contract.StorageContract;
import dev.corekit.storage.internal.LocalStorageProvider;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The contract against the local provider: a temporary directory, signed URLs served by {@link LocalFilesHandler} on
 * the JDK HTTP server. Upload corruption is a byte flipped between the checksummed buffer and the disk; download
 * corruption a byte flipped on disk; expiry a clock moved forward.
 */
class LocalStorageContractTest extends StorageContract {
    private final MutableClock clock = new MutableClock();
    private final AtomicBoolean flipNextWrite = new AtomicBoolean();
    private Path root;
    private HttpServer server;

    @Override
    protected Storage openStorage(Recorder recorder) throws IOException {
        root = Files.createTempDirectory("corekit-local-contract");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/files");
        StorageSettings settings = StorageSettings.custom(dev.corekit.config.Config.defaultsOnly())
                .localRoot(root)
                .localUrl(base)
                .publicBaseUrl(URI.create(base + "/public"))
                .partSizeMib(5)
                .build();
        Storage storage = Storage.custom()
                .settings(settings)
                .provider(new LocalStorageProvider(out -> new FlipOnce(out, flipNextWrite)))
                .recorder(recorder)
                .clock(clock)
                .build();
        server.createContext("/files", LocalFilesHandler.of(storage));
        server.start();
        return storage;
    }

    @Override
    protected void corruptNextUpload() {
        flipNextWrite.set(true);
    }

    @Override
    protected void corruptNextDownload(String key) throws IOException {
        try (RandomAccessFile file =
                new RandomAccessFile(root.resolve("private").resolve(key).toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(~b);
        }
    }

    @Override
    protected void letExpire(SignedUrl url) {
        clock.advanceTo(url.expiresAt().plusSeconds(1));
    }

    @Override
    protected Instant clockNow() {
        return clock.instant();
    }

    @Override
    protected void assertNoPartialUploadRemains() throws IOException {
        try (Stream<Path> temp = Files.list(root.resolve(".corekit-tmp"))) {
            assertThat(temp).as("temporary upload files").isEmpty();
        }
    }

    @Override
    protected void closeServers() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Flips the first byte written after being armed, as a bad disk or bus would. */
    private static final class FlipOnce extends FilterOutputStream {
        private final AtomicBoolean armed;

        FlipOnce(OutputStream out, AtomicBoolean armed) {
            super(out);
            this.armed = armed;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            if (length > 0 && armed.compareAndSet(true, false)) {
                byte[] copy = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
                copy[length / 2] = (byte) ~copy[length / 2];
                out.write(copy, 0, length);
            } else {
                out.write(buffer, offset, length);
            }
        }
    }
}
