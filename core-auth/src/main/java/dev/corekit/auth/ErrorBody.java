package dev.corekit.auth;

import dev.corekit.auth.internal.CallAttributes;
import dev.corekit.auth.internal.Json;
import dev.corekit.context.CallContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one shape of every error response corekit writes, so clients can rely on it:
 *
 * <pre>{@code
 * HTTP/1.1 401 Unauthorized
 * WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired."
 * Content-Type: application/json; charset=utf-8
 *
 * {"code":"TOKEN_EXPIRED","message":"The access token expired.","requestId":"4bf92f3577b34da6"}
 * }</pre>
 *
 * <p>{@code code} is one of the stable constants below (or a service's own upper-case code); {@code message} is a
 * fixed sentence for people. Neither ever carries a stack trace, an exception message or a verifier's internal
 * detail. The code also becomes the error code of the call's operation record.
 */
public final class ErrorBody {
    /** The content type of every error body. */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    /**
     * 401: no credentials where the procedure requires them, or a malformed {@code Authorization} header (401 rather
     * than RFC 6750's recommended 400, so that clients re-authenticate; see {@link Authenticator}).
     */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    /** 401: a token that failed verification (signature, algorithm, issuer, audience, type, ...). */
    public static final String INVALID_TOKEN = "INVALID_TOKEN";
    /** 401: an expired access token that could not be renewed. */
    public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";
    /** 403: a valid token of an entity type the procedure does not accept, or a principal its loader refused. */
    public static final String FORBIDDEN = "FORBIDDEN";
    /** 403: a token whose session was revoked. */
    public static final String SESSION_REVOKED = "SESSION_REVOKED";
    /** 403: a CORS request from an origin that is not allowed. */
    public static final String ORIGIN_NOT_ALLOWED = "ORIGIN_NOT_ALLOWED";
    /** 500: the service failed; details are in its records under the request id, never in the response. */
    public static final String INTERNAL = "INTERNAL";
    /** 500: the handler returned without sending a response. */
    public static final String NO_RESPONSE = "NO_RESPONSE";
    /** 503: authentication could not be completed because a dependency (key set, session store) is unavailable. */
    public static final String AUTH_UNAVAILABLE = "AUTH_UNAVAILABLE";

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private ErrorBody() {}

    /**
     * Answers {@code call} with {@code status} and the error body for {@code code} and {@code message}; the request id
     * is the current {@link CallContext}'s.
     *
     * @throws IllegalArgumentException unless {@code code} is upper-case letters, digits and {@code _}
     * @throws IllegalStateException when the response is already committed
     */
    public static void respond(Call call, int status, String code, String message) throws IOException {
        Objects.requireNonNull(call, "call");
        call.attribute(CallAttributes.ERROR_CODE, requireCode(code));
        call.respond(status, CONTENT_TYPE, json(code, message).getBytes(StandardCharsets.UTF_8));
    }

    /** The body for {@code code} and {@code message} with the current request id, as {@link #respond} writes it. */
    public static String json(String code, String message) {
        requireCode(code);
        Objects.requireNonNull(message, "message");
        String requestId = CallContext.current().requestId();
        StringBuilder json = new StringBuilder(96 + message.length());
        json.append("{\"code\":");
        Json.quote(json, code);
        json.append(",\"message\":");
        Json.quote(json, message);
        if (requestId != null) {
            json.append(",\"requestId\":");
            Json.quote(json, requestId);
        }
        return json.append('}').toString();
    }

    private static String requireCode(String code) {
        Objects.requireNonNull(code, "code");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException(
                    "an error code is upper-case letters, digits and _, like TOKEN_EXPIRED; got '" + code + "'");
        }
        return code;
    }
}
