package dev.corekit.samples.users;

import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenPair;
import dev.corekit.auth.token.TokenRequest;
import dev.corekit.auth.token.TokenService;
import dev.corekit.samples.http.HttpError;
import dev.corekit.samples.http.Request;
import dev.corekit.samples.http.Response;
import java.io.IOException;
import java.time.Instant;

/**
 * {@code POST /login} and {@code POST /login/refresh}: credentials or a refresh token in, a token pair out. Tokens are
 * core-auth's: an access token for {@code Authorization: Bearer ...}, a refresh token that works once, both in a
 * session that can be revoked.
 */
public final class LoginApi {
    /** The entity type of users in tokens and in the authenticator's factory. */
    public static final String USER = "user";

    private final Users users;
    private final TokenService tokens;

    public LoginApi(Users users, TokenService tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    /**
     * The body of {@code POST /login}.
     *
     * @param username the user id
     * @param password the password
     */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials{username=" + username + "}";
        }
    }

    /**
     * The body of {@code POST /login/refresh}.
     *
     * @param refreshToken the refresh token of the last pair
     */
    public record Refresh(String refreshToken) {
        @Override
        public String toString() {
            return "Refresh{}";
        }
    }

    /**
     * What both answer.
     *
     * @param tokenType always {@code Bearer}
     * @param accessToken for {@code Authorization: Bearer ...}
     * @param accessExpiresAt when the access token expires (it is then renewed in flight while the session lives)
     * @param refreshToken exchanged once for a new pair
     * @param refreshExpiresAt when the session ends
     */
    public record Tokens(
            String tokenType,
            String accessToken,
            Instant accessExpiresAt,
            String refreshToken,
            Instant refreshExpiresAt) {
        static Tokens of(TokenPair pair) {
            return new Tokens(
                    "Bearer", pair.accessToken(), pair.accessExpiresAt(), pair.refreshToken(), pair.refreshExpiresAt());
        }

        @Override
        public String toString() {
            return "Tokens{accessExpiresAt=" + accessExpiresAt + "}";
        }
    }

    /** {@code POST /login}: 200 with a token pair, or 401 INVALID_CREDENTIALS (the same for any wrong part). */
    public Response login(Request request) throws IOException {
        Credentials credentials = request.body(Credentials.class);
        if (credentials.username() == null || credentials.password() == null) {
            throw HttpError.badRequest("INVALID_BODY", "A login needs a username and a password.");
        }
        User user = users.authenticate(credentials.username(), credentials.password())
                .orElseThrow(() -> HttpError.of(401, "INVALID_CREDENTIALS", "Unknown user or wrong password."));
        return Response.ok(Tokens.of(tokens.login(TokenRequest.of(USER, user.id()))));
    }

    /** {@code POST /login/refresh}: 200 with a new pair; 401 for a used, expired or revoked refresh token. */
    public Response refresh(Request request) throws IOException {
        Refresh refresh = request.body(Refresh.class);
        if (refresh.refreshToken() == null) {
            throw HttpError.badRequest("INVALID_BODY", "A refresh needs the refreshToken of the last pair.");
        }
        try {
            return Response.ok(Tokens.of(tokens.refresh(refresh.refreshToken())));
        } catch (TokenException e) {
            if (e.retryable()) {
                throw HttpError.of(503, "AUTH_UNAVAILABLE", "Sessions are unavailable; retry shortly.");
            }
            throw HttpError.of(401, "INVALID_REFRESH_TOKEN", "The refresh token is used up, expired or revoked.");
        }
    }
}
