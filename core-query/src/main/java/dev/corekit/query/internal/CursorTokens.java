package dev.corekit.query.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * Opaque keyset cursor tokens: {@code base64url(version | query fingerprint | last sort values as BSON | HMAC-SHA256)}.
 * The HMAC covers everything before it, so a token cannot be altered or forged without the key; the fingerprint (the
 * first 16 bytes of a SHA-256 of the namespace, filter and sort) ties a token to the query that issued it. Values keep
 * their BSON types (dates, ObjectIds, decimals) through the round trip. Immutable and thread-safe.
 */
public final class CursorTokens {
    private static final byte VERSION = 1;
    private static final int FINGERPRINT = 16;
    private static final int MAC = 32;
    private static final int MAX_TOKEN = 8_192;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PROCESS_KEY = randomKey();

    private static volatile CursorTokens environment;

    private final SecretKeySpec key;

    private CursorTokens(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** Tokens signed with {@code key}. */
    public static CursorTokens of(String key) {
        return new CursorTokens(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Tokens signed with a random key drawn once per process: they only work on the instance that issued them. */
    public static CursorTokens perProcess() {
        return new CursorTokens(PROCESS_KEY);
    }

    /**
     * Tokens signed with {@code corekit.query.cursor-key} from the environment, or {@link #perProcess()} when it is
     * unset. Resolved once per process.
     *
     * @throws dev.corekit.config.InvalidSettingException when a query setting in the environment is invalid
     */
    public static CursorTokens fromEnvironment() {
        CursorTokens tokens = environment;
        if (tokens == null) {
            tokens = ProcessSettings.get()
                    .cursorKey()
                    .map(key -> of(key.reveal()))
                    .orElseGet(CursorTokens::perProcess);
            environment = tokens;
        }
        return tokens;
    }

    /** The fingerprint of a query: which collection, filter and sort a token belongs to. */
    public static byte[] fingerprint(String namespace, BsonDocument filter, BsonDocument sort) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(namespace.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(bytes(filter));
            sha.update((byte) 0);
            sha.update(bytes(sort));
            return Arrays.copyOf(sha.digest(), FINGERPRINT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A token for the position after {@code values} in the query {@code fingerprint}. */
    public String issue(byte[] fingerprint, BsonArray values) {
        byte[] body = bytes(new BsonDocument("v", values));
        ByteBuffer payload = ByteBuffer.allocate(1 + FINGERPRINT + body.length);
        payload.put(VERSION).put(fingerprint, 0, FINGERPRINT).put(body);
        byte[] signed = payload.array();
        byte[] mac = mac(signed);
        byte[] token = Arrays.copyOf(signed, signed.length + MAC);
        System.arraycopy(mac, 0, token, signed.length, MAC);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /**
     * The sort values a token carries, once its signature and query are checked.
     *
     * @throws Invalid naming what is wrong: malformed, tampered (or signed with another key), or for another query
     */
    public BsonArray read(String token, byte[] fingerprint) {
        if (token.length() > MAX_TOKEN) {
            throw new Invalid(Invalid.Reason.MALFORMED, "the cursor token is too long to be one of ours");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new Invalid(Invalid.Reason.MALFORMED, "the cursor token is not base64url");
        }
        if (bytes.length < 1 + FINGERPRINT + 5 + MAC) {
            throw new Invalid(Invalid.Reason.MALFORMED, "the cursor token is too short to be one of ours");
        }
        byte[] signed = Arrays.copyOf(bytes, bytes.length - MAC);
        byte[] mac = Arrays.copyOfRange(bytes, bytes.length - MAC, bytes.length);
        if (!MessageDigest.isEqual(mac, mac(signed))) {
            throw new Invalid(
                    Invalid.Reason.TAMPERED,
                    "the cursor token's signature does not match: it was altered, or issued with another cursor key");
        }
        if (signed[0] != VERSION) {
            throw new Invalid(Invalid.Reason.MALFORMED, "the cursor token has an unknown version " + signed[0]);
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(signed, 1, 1 + FINGERPRINT), fingerprint)) {
            throw new Invalid(
                    Invalid.Reason.FOREIGN,
                    "the cursor token was issued for another query (another collection, filter or sort); start from"
                            + " the first page");
        }
        try {
            RawBsonDocument body = new RawBsonDocument(signed, 1 + FINGERPRINT, signed.length - 1 - FINGERPRINT);
            return body.getArray("v");
        } catch (org.bson.BSONException | IndexOutOfBoundsException e) {
            throw new Invalid(Invalid.Reason.MALFORMED, "the cursor token's values cannot be read");
        }
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
        }
    }

    private static byte[] bytes(BsonDocument document) {
        RawBsonDocument raw =
                new RawBsonDocument(document == null ? new BsonDocument() : document, new BsonDocumentCodec());
        return Arrays.copyOfRange(
                raw.getBackingArray(), raw.getByteOffset(), raw.getByteOffset() + raw.getByteLength());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A token that cannot be used, and why. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** What is wrong with a token. */
        public enum Reason {
            MALFORMED,
            TAMPERED,
            FOREIGN
        }

        private final Reason reason;

        Invalid(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
