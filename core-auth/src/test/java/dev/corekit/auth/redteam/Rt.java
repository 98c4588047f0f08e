package dev.corekit.auth.redteam;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Call;
import dev.corekit.auth.CallAttribute;
import dev.corekit.auth.Handler;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.config.Config;
import dev.corekit.logging.LogRecord;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Red-team fixtures built only on the public API (and nimbus for hostile tokens). */
final class Rt {
    private Rt() {}

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final String ISSUER = "https://id.example.com";
    static final String AUDIENCE = "orders";

    static AuthSettings.Builder settings() {
        return AuthSettings.custom(Config.defaultsOnly());
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64URL.encode(s.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String b64(byte[] bytes) {
        return Base64URL.encode(bytes).toString();
    }

    static JWSHeader.Builder header(JWSAlgorithm alg, String kid) {
        JWSHeader.Builder header = new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt"));
        if (kid != null) {
            header.keyID(kid);
        }
        return header;
    }

    static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .subject("42")
                .claim("ent", "user")
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String forge(
            JWSAlgorithm alg,
            String kid,
            JWSSigner signer,
            Instant now,
            Consumer<JWSHeader.Builder> headerChange,
            Consumer<JWTClaimsSet.Builder> claimsChange) {
        JWSHeader.Builder header = header(alg, kid);
        headerChange.accept(header);
        JWTClaimsSet.Builder claims = claims(now);
        claimsChange.accept(claims);
        return sign(header.build(), claims.build(), signer);
    }

    /** Signs raw header and payload JSON (for duplicate keys and other shapes nimbus would not build). */
    static String signRaw(String headerJson, String payloadJson, JWSSigner signer, JWSAlgorithm alg) {
        try {
            String input = b64(headerJson) + "." + b64(payloadJson);
            JWSHeader header = JWSHeader.parse(headerJson);
            Base64URL sig = signer.sign(header, input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + sig;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(String body) {
        try {
            return JSONObjectUtils.parse(body);
        } catch (Exception e) {
            throw new AssertionError("not a JSON object: " + body, e);
        }
    }

    /** The TokenException verify threw; fails when the token was accepted or another exception escaped. */
    static dev.corekit.auth.token.TokenException rejected(dev.corekit.auth.token.TokenVerifier verifier, String token) {
        dev.corekit.auth.token.VerifiedToken accepted;
        try {
            accepted = verifier.verify(token);
        } catch (dev.corekit.auth.token.TokenException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("verify threw " + e + " instead of a TokenException", e);
        }
        throw new AssertionError("token was ACCEPTED: " + accepted);
    }

    /** Everything a record carries, flattened to one string, for leak checks. */
    static String dump(LogRecord r) {
        StringBuilder s = new StringBuilder();
        s.append(r.name()).append('|').append(r.message()).append('|').append(r.attributes());
        s.append('|').append(r.context());
        if (r.error() != null) {
            s.append('|')
                    .append(r.error().type())
                    .append('|')
                    .append(r.error().message())
                    .append('|')
                    .append(r.error().code())
                    .append('|')
                    .append(r.error().causes())
                    .append('|')
                    .append(r.error().stack());
        }
        for (LogRecord.Stage stage : r.stages()) {
            s.append('|').append(stage.name()).append(stage.attributes());
        }
        return s.toString();
    }

    /** A clock tests move by hand. */
    static final class RtClock extends Clock {
        private volatile Instant now;

        RtClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A call built only on the public {@link Call} interface ("whatever server adapter made it ... a test"). */
    static final class RtCall implements Call {
        private final Procedure procedure;
        private final String method;
        private final String path;
        private final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
        private final Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        private final Map<CallAttribute<?>, Object> attributes = new IdentityHashMap<>();
        private int status;
        private boolean committed;
        private byte[] body = new byte[0];
        private String contentType;

        RtCall(String method, String path, Procedure procedure) {
            this.method = method;
            this.path = path;
            this.procedure = procedure;
        }

        static RtCall of(Pipeline pipeline, String method, String path) {
            return new RtCall(method, path, pipeline.procedures().resolve(method, path));
        }

        RtCall header(String name, String value) {
            requestHeaders
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(value);
            return this;
        }

        @Override
        public Procedure procedure() {
            return procedure;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String header(String name) {
            List<String> values = requestHeaders.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public List<String> headers(String name) {
            return List.copyOf(requestHeaders.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        }

        @Override
        public <T> T attribute(CallAttribute<T> key) {
            return key.cast(attributes.get(key));
        }

        @Override
        public <T> void attribute(CallAttribute<T> key, T value) {
            if (value == null) {
                attributes.remove(key);
            } else {
                attributes.put(key, value);
            }
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public void setResponseHeader(String name, String value) {
            if (!committed) {
                responseHeaders.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(List.of(value)));
            }
        }

        @Override
        public void addResponseHeader(String name, String value) {
            if (!committed) {
                responseHeaders
                        .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(value);
            }
        }

        @Override
        public boolean isCommitted() {
            return committed;
        }

        @Override
        public void respond(int status, String contentType, byte[] body) {
            if (committed) {
                throw new IllegalStateException("committed");
            }
            this.status = status;
            this.contentType = contentType;
            this.body = body == null ? new byte[0] : body;
            committed = true;
        }

        /** What a handler that only sets a status does. */
        void send(int status) {
            respond(status, "text/plain", new byte[0]);
        }

        String responseHeader(String name) {
            List<String> values = responseHeaders.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        List<String> responseHeaders(String name) {
            return responseHeaders.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        Map<String, List<String>> allResponseHeaders() {
            return responseHeaders;
        }

        String contentType() {
            return contentType;
        }

        String body() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Runs this call through pipeline, then handler. */
        RtCall run(Pipeline pipeline, Handler handler) throws Exception {
            pipeline.handle(this, handler);
            return this;
        }
    }

    static final Handler OK = c -> c.respond(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
}
