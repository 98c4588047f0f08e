package dev.corekit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corekit.config.Config;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.Recorder;
import dev.corekit.storage.contract.MutableClock;
import dev.corekit.storage.internal.LocalStorageProvider;
import dev.corekit.storage.spi.ObjectStore;
import dev.corekit.storage.spi.ProviderContext;
import dev.corekit.storage.spi.StorageProvider;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed URL lives as long as asked, but never beyond the setting, seven days or its signing credentials. */
class SignedUrlLimitsTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock();
    private final AtomicReference<Instant> credentialExpiry = new AtomicReference<>();

    private Storage storage(Duration maxTtl) {
        StorageSettings settings = StorageSettings.custom(Config.defaultsOnly())
                .localRoot(root)
                .signedUrlMaxTtl(maxTtl)
                .build();
        return Storage.custom()
                .settings(settings)
                .provider(new ExpiringCredentials())
                .recorder(Recorder.of(new InMemorySink()))
                .clock(clock)
                .build();
    }

    @Test
    void aLifetimeWithinEveryLimitIsKeptExactly() {
        try (Storage storage = storage(Duration.ofHours(1))) {
            SignedUrl url = storage.privateFiles().signGet("a.txt", Duration.ofMinutes(10));

            assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.REQUESTED);
            assertThat(url.clamped()).isFalse();
            assertThat(url.expiresAt()).isEqualTo(now().plus(Duration.ofMinutes(10)));
        }
    }

    @Test
    void sevenDaysIsTheLongestEvenWhenTheSettingAllowsIt() {
        try (Storage storage = storage(Duration.ofDays(7))) {
            SignedUrl url = storage.privateFiles().signGet("a.txt", Duration.ofDays(30));

            assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.SEVEN_DAYS);
            assertThat(url.expiresAt()).isEqualTo(now().plus(Duration.ofDays(7)));
        }
    }

    @Test
    void aUrlCannotOutliveTheCredentialsThatSignedIt() {
        credentialExpiry.set(now().plus(Duration.ofMinutes(3)));
        try (Storage storage = storage(Duration.ofHours(1))) {
            SignedUrl url = storage.privateFiles().signGet("a.txt", Duration.ofMinutes(30));

            assertThat(url.limitedBy()).isEqualTo(SignedUrl.Limit.CREDENTIAL_EXPIRY);
            assertThat(url.expiresAt()).isEqualTo(credentialExpiry.get());
        }
    }

    @Test
    void expiredCredentialsSignNothing() {
        credentialExpiry.set(now().minusSeconds(1));
        try (Storage storage = storage(Duration.ofHours(1))) {
            assertThatThrownBy(() -> storage.privateFiles().signGet("a.txt", Duration.ofMinutes(1)))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.REJECTED))
                    .hasMessageContaining("signing credentials expired at");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The local provider, as if its signing credentials were temporary ones that expire. */
    private final class ExpiringCredentials implements StorageProvider {
        @Override
        public StorageSettings.Provider kind() {
            return StorageSettings.Provider.LOCAL;
        }

        @Override
        public ObjectStore open(ProviderContext context) {
            ObjectStore local = new LocalStorageProvider().open(context);
            return (ObjectStore) Proxy.newProxyInstance(
                    ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("credentialExpiry")) {
                            return Optional.ofNullable(credentialExpiry.get());
                        }
                        try {
                            return method.invoke(local, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
