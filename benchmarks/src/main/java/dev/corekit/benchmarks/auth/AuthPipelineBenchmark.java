package dev.corekit.benchmarks.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.Handler;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.Procedure;
import dev.corekit.auth.Procedures;
import dev.corekit.auth.SlowCallWatchdog;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenIssuer;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.auth.token.VerifiedToken;
import dev.corekit.config.Config;
import dev.corekit.config.Secret;
import dev.corekit.logging.Recorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One authenticated call through the whole corekit pipeline (request context from the incoming headers, the call's
 * operation record, the slow-call watchdog, and auth: header parsing, token verification with the algorithm allow-list
 * and every claim check, the principal, the caller in the call context) against raw nimbus-jose-jwt verifying the same
 * token, in the same run (issue 17 item 8: target at most 1.1x).
 *
 * <ul>
 *   <li>{@code pipeline}: the whole corekit call; records go to a sink that drops them (what a queue offer costs is
 *       measured by the logging benchmarks);
 *   <li>{@code corekitVerify}: {@code TokenVerifier.verify} alone, to split the pipeline's time;
 *   <li>{@code nimbusVerify}: the least a hand-written filter does: parse, check the signature, read the claims;
 *   <li>{@code nimbusProcessor}: nimbus's own {@code DefaultJWTProcessor} with the same checks corekit makes (typ,
 *       key by kid, exp, iss, aud).
 * </ul>
 *
 * <p>On a shared machine separate benchmarks drift with the load between them (errors of 50-100 % here), so
 * {@code interleaved} runs the pipeline, {@code corekitVerify} and {@code nimbusVerify} once each per invocation, in
 * rotating order, and reports the time of each as secondary results ({@code pipelineNanos}, {@code verifyNanos},
 * {@code nimbusNanos}, summed per iteration): their ratios are the overheads with the load spread over all three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthPipelineBenchmark {
    private static final String ISSUER = "https://id.example.com";
    private static final String AUDIENCE = "orders";
    private static final byte[] BODY = "{\"id\":\"o-1\"}".getBytes(StandardCharsets.UTF_8);
    private static final Handler HANDLER = call -> call.respond(200, "application/json", BODY);

    @Param({"HS256", "ES256"})
    public String algorithm;

    private SlowCallWatchdog watchdog;
    private Pipeline pipeline;
    private Procedure procedure;
    private Map<String, List<String>> headers;
    private TokenVerifier verifier;
    private String token;
    private JWSVerifier nimbusVerifier;
    private DefaultJWTProcessor<SecurityContext> nimbusProcessor;

    @Setup(Level.Trial)
    public void setUp() throws JOSEException {
        AuthSettings settings = AuthSettings.custom(Config.defaultsOnly())
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .accessTokenTtl(Duration.ofHours(2))
                .build();
        SigningKey key;
        JWKSet nimbusKeys;
        if (algorithm.equals("HS256")) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            key = SigningKey.hmac("bench", Algorithm.HS256, Secret.of(secret));
            byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
            nimbusVerifier = new MACVerifier(secretBytes);
            nimbusKeys = new JWKSet(
                    new OctetSequenceKey.Builder(secretBytes).keyID("bench").build());
        } else {
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
            key = SigningKey.fromJwk("bench", Algorithm.ES256, ec.toJSONString());
            nimbusVerifier = new ECDSAVerifier(ec.toPublicJWK());
            nimbusKeys = new JWKSet(ec.toPublicJWK());
        }
        token = TokenIssuer.of(key, settings).accessToken(TokenRequest.of("user", "42"), null);
        verifier = TokenVerifier.of(KeySet.of(key.verificationKey()), settings);

        nimbusProcessor = new DefaultJWTProcessor<>();
        nimbusProcessor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        nimbusProcessor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(JWSAlgorithm.parse(algorithm), new ImmutableJWKSet<>(nimbusKeys)));
        nimbusProcessor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                AUDIENCE, new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("exp", "sub")));

        watchdog = SlowCallWatchdog.of(settings.slowCallThreshold(), settings.hungCallThreshold(), null);
        procedure = Procedure.named("orders.get").withAuth("user");
        pipeline = Pipeline.builder()
                .recorder(Recorder.of(record -> {}))
                .procedures(Procedures.builder()
                        .route("GET", "/orders/{id}", procedure)
                        .build())
                .slowCalls(watchdog)
                .auth(Authenticator.builder(verifier)
                        .entity("user", verified -> verified.subject())
                        .settings(settings)
                        .build())
                .build();
        headers = Map.of(
                "authorization", List.of("Bearer " + token),
                "traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                "x-request-id", List.of("req-bench-1"));
        if (pipeline() != 200) {
            throw new IllegalStateException("the pipeline did not authenticate the benchmark's token");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        watchdog.close();
    }

    /** Per-iteration sums of the time spent in each side of {@code interleaved}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        public long pipelineNanos;
        public long verifyNanos;
        public long nimbusNanos;
        private int turn;

        @Setup(Level.Iteration)
        public void reset() {
            pipelineNanos = 0;
            verifyNanos = 0;
            nimbusNanos = 0;
        }
    }

    @Benchmark
    public int interleaved(Split split) throws Exception {
        int first = split.turn++ % 3;
        int sum = 0;
        for (int k = 0; k < 3; k++) {
            int side = (first + k) % 3;
            long start = System.nanoTime();
            if (side == 0) {
                sum += pipeline();
                split.pipelineNanos += System.nanoTime() - start;
            } else if (side == 1) {
                sum += corekitVerify().subject().length();
                split.verifyNanos += System.nanoTime() - start;
            } else {
                sum += nimbusVerify().getSubject().length();
                split.nimbusNanos += System.nanoTime() - start;
            }
        }
        return sum;
    }

    @Benchmark
    public int pipeline() {
        BenchCall call = new BenchCall(procedure, "GET", "/orders/o-1", headers);
        try {
            pipeline.handle(call, HANDLER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return call.status();
    }

    @Benchmark
    public VerifiedToken corekitVerify() throws TokenException {
        return verifier.verify(token);
    }

    @Benchmark
    public JWTClaimsSet nimbusVerify() throws ParseException, JOSEException {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.verify(nimbusVerifier)) {
            throw new IllegalStateException("signature");
        }
        return jwt.getJWTClaimsSet();
    }

    @Benchmark
    public JWTClaimsSet nimbusProcessor() throws ParseException, BadJOSEException, JOSEException {
        return nimbusProcessor.process(token, null);
    }
}
