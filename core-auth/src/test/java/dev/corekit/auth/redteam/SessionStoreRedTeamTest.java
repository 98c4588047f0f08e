package dev.corekit.auth.redteam;

import static dev.corekit.auth.redteam.Rt.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.corekit.auth.AuthSettings;
import dev.corekit.auth.Authenticator;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Pipeline;
import dev.corekit.auth.session.MongoSessionStore;
import dev.corekit.auth.session.Session;
import dev.corekit.auth.session.SessionStore;
import dev.corekit.auth.token.Algorithm;
import dev.corekit.auth.token.KeySet;
import dev.corekit.auth.token.SigningKey;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Red team against the session stores: the in-memory one and MongoSessionStore over an in-process MongoDB server. */
class SessionStoreRedTeamTest {
    MongoServer server;
    final List<MongoClient> clients = new ArrayList<>();
    InetSocketAddress address;
    final ExecutorService pool = Executors.newFixedThreadPool(16);

    @BeforeEach
    void start() throws Exception {
        server = new MongoServer(new MemoryBackend());
        address = server.bind();
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        clients.forEach(MongoClient::close);
        server.shutdownNow();
    }

    MongoCollection<Document> collection() {
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort()
                + "/?serverSelectionTimeoutMS=1500&connectTimeoutMS=1000&socketTimeoutMS=1500");
        clients.add(client);
        return client.getDatabase("auth").getCollection("sessions");
    }

    SessionStore store(String kind) {
        return kind.equals("mongo") ? MongoSessionStore.of(collection()) : SessionStore.inMemory();
    }

    static Session session(String id) {
        return new Session(id, "user", "42", "acme", T0, T0.plus(Duration.ofDays(30)), "r1", null);
    }

    // MongoSessionStore: "written with w: majority" / writeConcern(): "The write concern of every write: w: majority."
    // / of: "writes use w: majority whatever the collection's write concern"
    @Test
    void mongoWritesAreMajorityWhateverTheCollectionSays() throws Exception {
        MongoSessionStore store = MongoSessionStore.of(collection().withWriteConcern(WriteConcern.UNACKNOWLEDGED));
        assertThat(store.writeConcern().getWObject()).isEqualTo("majority");
        store.create(session("s1"));
        assertThat(store.find("s1")).contains(session("s1"));
    }

    // MongoSessionStore: "removed by MongoDB itself after its expiry through a TTL index on expiresAt" / "The
    // constructor creates the TTL index (idempotent)."
    @Test
    void mongoHasItsTtlIndexOnExpiresAtAndCreatingItTwiceIsFine() throws Exception {
        MongoCollection<Document> c = collection();
        MongoSessionStore.of(c);
        MongoSessionStore.of(c);
        List<Document> indexes = c.listIndexes().into(new ArrayList<>());
        assertThat(indexes).anySatisfy(index -> {
            assertThat(index.getString("name")).isEqualTo(MongoSessionStore.TTL_INDEX);
            assertThat(index.get("key", Document.class)).containsKey("expiresAt");
            assertThat(index.get("expireAfterSeconds")).isNotNull();
        });
    }

    // SessionStore: "rotateRefresh ... is atomic (compare-and-set), so a refresh token can be used only once." /
    // MongoSessionStore: "Refresh rotation is one conditional updateOne, so a refresh token is accepted once even
    // across service instances."
    @ParameterizedTest
    @ValueSource(strings = {"memory", "mongo-instances"})
    void concurrentRotationsOfOneRefreshIdSucceedOnceEvenAcrossInstances(String kind) throws Exception {
        List<SessionStore> instances = new ArrayList<>();
        if (kind.equals("memory")) {
            instances.add(SessionStore.inMemory());
        } else {
            for (int i = 0; i < 4; i++) {
                instances.add(MongoSessionStore.of(collection()));
            }
        }
        for (int round = 0; round < 5; round++) {
            String id = "s-" + round;
            instances.get(0).create(session(id));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                SessionStore store = instances.get(i % instances.size());
                String next = "r2-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return store.rotateRefresh(id, "r1", next, T0.plusSeconds(10));
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).as(kind + " round " + round).isEqualTo(1);
            String winner = instances.get(0).find(id).orElseThrow().refreshId();
            assertThat(winner).startsWith("r2-");
        }
    }

    // rotateRefresh: "only when the session is live at now and expected is still current" / revoke: "(idempotent;
    // unknown ids are ignored)"
    @ParameterizedTest
    @ValueSource(strings = {"memory", "mongo"})
    void rotationRequiresALiveSessionAndRevokeIsIdempotent(String kind) throws Exception {
        SessionStore store = store(kind);
        store.create(session("live"));
        store.create(session("gone"));
        assertThat(store.rotateRefresh("live", "wrong", "r2", T0)).isFalse();
        assertThat(store.rotateRefresh("live", "r1", "r2", T0.plus(Duration.ofDays(31))))
                .isFalse();
        assertThat(store.rotateRefresh("unknown", "r1", "r2", T0)).isFalse();
        store.revoke("gone", T0.plusSeconds(1));
        store.revoke("gone", T0.plusSeconds(5));
        store.revoke("never-existed", T0);
        assertThat(store.rotateRefresh("gone", "r1", "r2", T0.plusSeconds(10))).isFalse();
        Session gone = store.find("gone").orElseThrow();
        assertThat(gone.isLive(T0.plusSeconds(10))).isFalse();
        assertThat(gone.revokedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(store.find("never-existed")).isEmpty();
        assertThat(store.rotateRefresh("live", "r1", "r2", T0)).isTrue();
    }

    // Session.revoked: "This session revoked at at (itself when already revoked)." / isLive: "Whether the session is
    // neither revoked nor expired at now."
    @Test
    void sessionLivenessEdges() throws Exception {
        Session s = session("s");
        assertThat(s.isLive(T0)).isTrue();
        assertThat(s.isLive(T0.plus(Duration.ofDays(31)))).isFalse();
        Session revoked = s.revoked(T0.plusSeconds(1));
        assertThat(revoked.isLive(T0.plusSeconds(2))).isFalse();
        assertThat(revoked.revoked(T0.plusSeconds(9)).revokedAt()).isEqualTo(T0.plusSeconds(1));
    }

    // MongoSessionStore: "so that a revocation acknowledged to the caller survives" / TokenService.revoke: "its refresh
    // token and the renewal of its access tokens stop working at once" / "a refresh token is accepted once even across
    // service instances" -- two service instances sharing the collection, one of them holding a renewed token in its
    // 60 s reuse cache.
    @Test
    void revocationAndRefreshReuseHoldAcrossServiceInstances() throws Exception {
        Rt.RtClock clock = new Rt.RtClock(Instant.now());
        AuthSettings settings = Rt.settings()
                .accessTokenTtl(Duration.ofMinutes(5))
                .renewalWindow(Duration.ofMinutes(30))
                .build();
        SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
        TokenService a = TokenService.of(
                key, KeySet.of(key.verificationKey()), MongoSessionStore.of(collection()), settings, clock);
        TokenService b = TokenService.of(
                key, KeySet.of(key.verificationKey()), MongoSessionStore.of(collection()), settings, clock);

        TokenPair pair = a.login(TokenRequest.of("user", "42"));
        clock.advance(Duration.ofMinutes(7));
        String renewedByB =
                b.authenticate(pair.accessToken()).renewedAccessToken().orElseThrow();
        a.revoke(pair.sessionId());
        for (TokenService instance : List.of(a, b)) {
            for (String token : List.of(pair.accessToken(), renewedByB)) {
                try {
                    instance.authenticate(token);
                    throw new AssertionError("accepted after revocation by the other instance");
                } catch (TokenException e) {
                    assertThat(e.reason()).isEqualTo(TokenException.Reason.REVOKED);
                }
            }
        }

        TokenPair second = a.login(TokenRequest.of("user", "43"));
        TokenPair rotated = a.refresh(second.refreshToken());
        try {
            b.refresh(second.refreshToken());
            throw new AssertionError("a used refresh token worked on another instance");
        } catch (TokenException e) {
            assertThat(e.reason()).isEqualTo(TokenException.Reason.REVOKED);
        }
        try {
            a.refresh(rotated.refreshToken());
            throw new AssertionError("the session survived a refresh-token reuse on another instance");
        } catch (TokenException e) {
            assertThat(e.reason()).isEqualTo(TokenException.Reason.REVOKED);
        }
    }

    // Authenticator: "503 ErrorBody.AUTH_UNAVAILABLE when the key set or session store cannot be reached." /
    // Reason.UNAVAILABLE: "the key set or session store is unreachable"
    @Test
    void anUnreachableMongoSessionStoreIs503AuthUnavailableNever401Or500() throws Exception {
        Rt.RtClock clock = new Rt.RtClock(Instant.now());
        AuthSettings settings = Rt.settings().build();
        SigningKey key = SigningKey.generate("k1", Algorithm.ES256);
        TokenService tokens = TokenService.of(
                key, KeySet.of(key.verificationKey()), MongoSessionStore.of(collection()), settings, clock);
        TokenPair pair = tokens.login(TokenRequest.of("user", "42"));
        Authenticator auth = Authenticator.builder(tokens)
                .entity("user", t -> t.subject())
                .settings(settings)
                .build();
        Pipeline p = Pipeline.builder()
                .recorder(Recorder.of(new InMemorySink()))
                .auth(auth)
                .build();
        assertThat(Rt.RtCall.of(p, "GET", "/x")
                        .header("Authorization", "Bearer " + pair.accessToken())
                        .run(p, Rt.OK)
                        .status())
                .isEqualTo(200);

        server.shutdownNow();

        try {
            tokens.authenticate(pair.accessToken());
            throw new AssertionError("authenticated without a session store");
        } catch (TokenException e) {
            assertThat(e.reason()).isEqualTo(TokenException.Reason.UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
        } catch (RuntimeException e) {
            throw new AssertionError("authenticate threw " + e + " instead of TokenException(UNAVAILABLE)", e);
        }
        Rt.RtCall call = Rt.RtCall.of(p, "GET", "/x")
                .header("Authorization", "Bearer " + pair.accessToken())
                .run(p, Rt.OK);
        assertThat(call.status()).isEqualTo(503);
        assertThat(Rt.json(call.body())).containsEntry("code", ErrorBody.AUTH_UNAVAILABLE);
        assertThat(call.body()).doesNotContain("127.0.0.1").doesNotContain("Mongo");
    }
}
