package dev.corekit.samples.users;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.corekit.query.QueryClient;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bson.Document;

/**
 * Users in MongoDB: {@code {_id, displayName, passwordHash, salt}}, the hash a salted PBKDF2-HMAC-SHA256. Passwords
 * are checked in constant time, and an unknown user costs the same hash as a wrong password.
 */
public final class Users {
    /** The password of the demo users the sample seeds ({@code ada}, {@code grace}); a demo credential, nothing more. */
    public static final String DEMO_PASSWORD = "corekit-demo";

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int ITERATIONS = 210_000;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> users;
    private final byte[] decoySalt = salt();

    public Users(QueryClient mongo) {
        this.users = mongo.collection("users", Document.class);
    }

    /** Adds the demo users {@code ada} and {@code grace} unless they exist (their password: {@link #DEMO_PASSWORD}). */
    public void seedDemoUsers() {
        addIfAbsent("ada", "Ada Lovelace", DEMO_PASSWORD);
        addIfAbsent("grace", "Grace Hopper", DEMO_PASSWORD);
    }

    /** Adds a user unless one with this id exists. */
    public void addIfAbsent(String id, String displayName, String password) {
        byte[] salt = salt();
        users.updateOne(
                eq("_id", id),
                Updates.combine(
                        Updates.setOnInsert("displayName", displayName),
                        Updates.setOnInsert("salt", encode(salt)),
                        Updates.setOnInsert("passwordHash", encode(hash(password, salt)))),
                new UpdateOptions().upsert(true));
    }

    /** The user with {@code id}, if any. */
    public Optional<User> find(String id) {
        return Optional.ofNullable(users.find(eq("_id", id)).first())
                .map(document -> new User(document.getString("_id"), document.getString("displayName")));
    }

    /** The user when {@code password} is theirs; empty for an unknown user or a wrong password alike. */
    public Optional<User> authenticate(String id, String password) {
        Document document = users.find(eq("_id", id)).first();
        if (document == null) {
            hash(password, decoySalt); // the same work as a real check: no user enumeration by timing
            return Optional.empty();
        }
        byte[] expected = decode(document.getString("passwordHash"));
        byte[] actual = hash(password, decode(document.getString("salt")));
        return MessageDigest.isEqual(expected, actual)
                ? Optional.of(new User(id, document.getString("displayName")))
                : Optional.empty();
    }

    private static byte[] hash(String password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, HASH_BITS);
            try {
                return SecretKeyFactory.getInstance(ALGORITHM)
                        .generateSecret(spec)
                        .getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String text) {
        return Base64.getDecoder().decode(text);
    }
}
