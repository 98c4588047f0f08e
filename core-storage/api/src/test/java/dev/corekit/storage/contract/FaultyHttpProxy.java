package dev.corekit.storage.contract;

import dev.corekit.context.ContextExecutors;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A TCP proxy in front of an HTTP/1.1 server that understands just enough HTTP (request and response heads,
 * {@code Content-Length} and chunked bodies, {@code 100 Continue}, HEAD) to inject real faults at exact places: flip
 * one byte early in the body of the next matching request or response, or swallow the next matching response
 * (the server has done the work, the client never hears of it). Bytes pass unchanged otherwise, so signatures over the
 * {@code Host} header stay valid.
 */
public final class FaultyHttpProxy implements AutoCloseable {
    /**
     * A request seen by the proxy.
     *
     * @param method the HTTP method
     * @param target the request target (path and query)
     * @param headers the headers, names in lower case
     */
    public record Request(String method, String target, Map<String, String> headers) {
        /** Whether the request carries a body (a length above zero, or chunked). */
        public boolean hasBody() {
            String length = headers.get("content-length");
            return (length != null && Long.parseLong(length.strip()) > 0) || isChunked(headers);
        }

        @Override
        public String toString() {
            int query = target.indexOf('?');
            return method + " " + (query < 0 ? target : target.substring(0, query) + "?...");
        }
    }

    private enum Kind {
        FLIP_REQUEST_BODY,
        FLIP_RESPONSE_BODY,
        DROP_RESPONSE
    }

    private record Fault(Kind kind, Predicate<Request> matches) {}

    private record Pending(Request request, Fault fault) {}

    /** Requests that upload bytes: a {@code PUT} or {@code POST} with a body. */
    public static final Predicate<Request> UPLOADS =
            request -> (request.method().equals("PUT") || request.method().equals("POST")) && request.hasBody();

    /** Requests that upload object bytes as such: a {@code PUT} with a body (S3 objects and parts, GCS chunks). */
    public static final Predicate<Request> PUTS = request -> request.method().equals("PUT") && request.hasBody();

    /** Downloads: every {@code GET}. */
    public static final Predicate<Request> GETS = request -> request.method().equals("GET");

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultyHttpProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Starts a proxy on a free local port in front of {@code host:port}. */
    public static FaultyHttpProxy start(String host, int port) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultyHttpProxy proxy = new FaultyHttpProxy(server, new InetSocketAddress(host, port));
        ContextExecutors.startDaemonThread("faulty-proxy-accept-" + server.getLocalPort(), proxy::acceptLoop);
        return proxy;
    }

    /** The proxy's port. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Flips one byte early in the body of the next request that matches (see {@link #flipOffset}). */
    public void flipNextRequestBody(Predicate<Request> which) {
        arm(new Fault(Kind.FLIP_REQUEST_BODY, which));
    }

    /** Flips one byte early in the body of the response to the next request that matches. */
    public void flipNextResponseBody(Predicate<Request> which) {
        arm(new Fault(Kind.FLIP_RESPONSE_BODY, which));
    }

    /**
     * Forwards the next matching request whole, then drops the server's response and closes the client's connection:
     * the server did the work, the client sees a broken connection.
     */
    public void dropNextResponse(Predicate<Request> which) {
        arm(new Fault(Kind.DROP_RESPONSE, which));
    }

    /** Whether an armed fault has not yet hit a request. */
    public boolean faultPending() {
        return fault.get() != null;
    }

    /** Forgets an armed fault that did not hit. */
    public void disarm() {
        fault.set(null);
    }

    /** Every request seen so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the requests seen so far. */
    public void clearRequests() {
        requests.clear();
    }

    private void arm(Fault newFault) {
        if (!fault.compareAndSet(null, newFault)) {
            throw new IllegalStateException("a fault is already armed");
        }
    }

    private Fault claim(Request request) {
        Fault armed = fault.get();
        if (armed != null && armed.matches().test(request) && fault.compareAndSet(armed, null)) {
            return armed;
        }
        return null;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket target = new Socket();
                target.connect(upstream);
                sockets.add(client);
                sockets.add(target);
                BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
                ContextExecutors.startDaemonThread("faulty-proxy-request", () -> pumpRequests(client, target, pending));
                ContextExecutors.startDaemonThread(
                        "faulty-proxy-response", () -> pumpResponses(target, client, pending));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pumpRequests(Socket client, Socket target, BlockingQueue<Pending> pending) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream(), 64 * 1024);
            // A server may answer before it has read the whole body (a bad signature) and close its side: the rest of
            // the body is then read from the client and dropped, so that the client gets the server's answer rather
            // than a reset connection, as it would from the server itself.
            OutputStream out = new UpstreamOutput(target.getOutputStream());
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    if (!target.isClosed()) {
                        target.shutdownOutput();
                    }
                    return;
                }
                String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
                String[] requestLine = lines[0].split(" ");
                Request request = new Request(requestLine[0], requestLine[1], headers(lines));
                requests.add(request);
                Fault hit = claim(request);
                pending.add(new Pending(request, hit != null && hit.kind() != Kind.FLIP_REQUEST_BODY ? hit : null));
                out.write(head);
                out.flush();
                boolean flip = hit != null && hit.kind() == Kind.FLIP_REQUEST_BODY;
                copyBody(in, out, request.headers(), false, flip);
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    private void pumpResponses(Socket target, Socket client, BlockingQueue<Pending> pending) {
        try {
            InputStream in = new BufferedInputStream(target.getInputStream(), 64 * 1024);
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    // the server closed: no more answers, but the client may still be sending a body it will want
                    // the answer to; half-close, and the request side drops the rest of the body
                    client.shutdownOutput();
                    return;
                }
                String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                if (status >= 100 && status < 200) {
                    out.write(head);
                    out.flush();
                    continue;
                }
                Pending answered = pending.take();
                Fault fault = answered.fault();
                if (fault != null && fault.kind() == Kind.DROP_RESPONSE) {
                    closeQuietly(client);
                    closeQuietly(target);
                    return;
                }
                out.write(head);
                Map<String, String> headers = headers(lines);
                boolean noBody = answered.request().method().equals("HEAD") || status == 204 || status == 304;
                if (!noBody) {
                    boolean flip = fault != null && fault.kind() == Kind.FLIP_RESPONSE_BODY;
                    copyBody(in, out, headers, true, flip);
                }
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copyBody(
            InputStream in, OutputStream out, Map<String, String> headers, boolean untilCloseIfUnframed, boolean flip)
            throws IOException {
        String length = headers.get("content-length");
        if (isChunked(headers)) {
            copyChunked(in, out, flip);
        } else if (length != null) {
            long size = Long.parseLong(length.strip());
            copyExactly(in, out, size, flip ? flipOffset(size) : -1);
        } else if (untilCloseIfUnframed) {
            in.transferTo(out);
        }
    }

    /**
     * Where a byte is flipped: early in the body, so that it lands in the data of the first chunk of an aws-chunked
     * body (its framing is a short header per 64-128 KiB chunk), or in the middle of a small body.
     */
    private static long flipOffset(long size) {
        return Math.min(size / 2, 4096);
    }

    private static void copyChunked(InputStream in, OutputStream out, boolean flip) throws IOException {
        boolean flipPending = flip;
        while (true) {
            String line = readLine(in);
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = line.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copyExactly(in, out, size, flipPending ? flipOffset(size) : -1);
            flipPending = false;
            out.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long size, long flipAt) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        while (copied < size) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - copied));
            if (n < 0) {
                throw new IOException("connection closed inside a body");
            }
            if (flipAt >= copied && flipAt < copied + n) {
                int index = (int) (flipAt - copied);
                buffer[index] = (byte) ~buffer[index];
            }
            out.write(buffer, 0, n);
            copied += n;
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a message head");
            }
            head.write(b);
            if (b == '\r') {
                matched = matched == 2 ? 3 : 1;
            } else if (b == '\n') {
                matched = matched == 1 ? 2 : (matched == 3 ? 4 : 0);
            } else {
                matched = 0;
            }
        }
        return head.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
    }

    private static Map<String, String> headers(String[] lines) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return headers;
    }

    private static boolean isChunked(Map<String, String> headers) {
        String encoding = headers.get("transfer-encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** Upstream bytes; after the first write failure (the server closed), further bytes are dropped. */
    private static final class UpstreamOutput extends OutputStream {
        private final OutputStream out;
        private boolean broken;

        UpstreamOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (!broken) {
                try {
                    out.write(bytes, offset, length);
                } catch (IOException e) {
                    broken = true;
                }
            }
        }

        @Override
        public void flush() {
            if (!broken) {
                try {
                    out.flush();
                } catch (IOException e) {
                    broken = true;
                }
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}
