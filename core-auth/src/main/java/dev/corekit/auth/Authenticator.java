package dev.corekit.auth;

import dev.corekit.auth.internal.CallAttributes;
import dev.corekit.auth.token.Authentication;
import dev.corekit.auth.token.TokenException;
import dev.corekit.auth.token.TokenService;
import dev.corekit.auth.token.TokenVerifier;
import dev.corekit.auth.token.VerifiedToken;
import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.logging.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The auth factory and interceptor: one entry per entity type (how its principal is loaded and checked), and auth
 * variants by name that procedures choose ({@link Procedure#withAuth(String)}). Adding an entity type is one
 * {@link Builder#entity} line, not new middleware.
 *
 * <pre>{@code
 * Authenticator auth = Authenticator.builder(tokenService)
 *         .entity("user", token -> users.find(token.subject()).orElse(null))
 *         .entity("agent", token -> agents.find(token.subject()).orElse(null))
 *         .entity("service", token -> new ServiceAccount(token.subject()))
 *         .variant("staff", "user", "agent")
 *         .build();
 * }</pre>
 *
 * <p>Variants: {@value Procedure#PUBLIC} (no token read), {@value Procedure#AUTHENTICATED} (any registered entity),
 * each entity type's name (that entity only), and those added with {@link Builder#variant}. A procedure without one
 * uses {@code corekit.auth.default-variant}.
 *
 * <p>Answers, all with an {@link ErrorBody} and never a verifier's message:
 *
 * <ul>
 *   <li>401 {@link ErrorBody#UNAUTHENTICATED} with {@code WWW-Authenticate: Bearer realm="..."} when there is no
 *       {@code Authorization} header, and with {@code error="invalid_request"} when it is not exactly one
 *       {@code Bearer <token>};
 *   <li>401 {@link ErrorBody#INVALID_TOKEN} / {@link ErrorBody#TOKEN_EXPIRED} with {@code error="invalid_token"};
 *   <li>403 {@link ErrorBody#FORBIDDEN} for an entity type the variant does not accept or a principal its loader
 *       refused; 403 {@link ErrorBody#SESSION_REVOKED} for a revoked session;
 *   <li>503 {@link ErrorBody#AUTH_UNAVAILABLE} when the key set or session store cannot be reached.
 * </ul>
 *
 * <p>A malformed {@code Authorization} header (another scheme, no token, more than one token or header, characters
 * outside RFC 6750's {@code b64token}) is answered 401, not the 400 that RFC 6750 section 3.1 recommends (a SHOULD)
 * for {@code invalid_request}. This is deliberate: the server could not authenticate the request, which is what 401
 * means (RFC 9110 section 15.5.2), and 401 with a {@code WWW-Authenticate} challenge is what client authentication
 * layers act on (obtain a token, retry), while a 400 reads as a permanent request error, so a client that sent
 * {@code "Bearer "} or {@code "Bearer undefined"} after losing its token would never re-authenticate. The
 * {@code error="invalid_request"} in the challenge still tells such a request apart from a bad token
 * ({@code invalid_token}) for clients that look.
 *
 * <p>On success the {@link Principal} is on the call, the call context's caller is {@code entity:subject} (and its
 * tenant the token's) for the rest of the call, and a token renewed in flight is sent back in the
 * {@value #RENEWED_ACCESS_TOKEN_HEADER} response header: clients replace their access token with it.
 */
public final class Authenticator implements Interceptor {
    /** The response header carrying a renewed access token; clients use it instead of the expired one from now on. */
    public static final String RENEWED_ACCESS_TOKEN_HEADER = "Renewed-Access-Token";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final Tokens tokens;
    private final Map<String, PrincipalLoader> entities;
    private final Map<String, Set<String>> variants;
    private final Function<VerifiedToken, Optional<String>> entityOf;
    private final String defaultVariant;
    private final String realm;

    private Authenticator(Builder builder, AuthSettings settings) {
        this.tokens = builder.tokens;
        this.entities = Map.copyOf(builder.entities);
        Map<String, Set<String>> all = new LinkedHashMap<>();
        all.put(Procedure.AUTHENTICATED, Set.copyOf(entities.keySet()));
        for (String entity : entities.keySet()) {
            all.put(entity, Set.of(entity));
        }
        all.putAll(builder.variants);
        this.variants = Map.copyOf(all);
        this.entityOf = builder.entityOf;
        this.defaultVariant = settings.defaultVariant();
        this.realm = settings.realm();
        if (!knows(defaultVariant)) {
            throw new IllegalStateException(AuthSettings.DEFAULT_VARIANT_SETTING.propertyName() + " is '"
                    + defaultVariant + "', which is no variant of this authenticator; known: " + variantNames());
        }
    }

    /** An authenticator over a token service: sessions are checked and expired tokens renewed in flight. */
    public static Builder builder(TokenService tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return new Builder(tokens::authenticate);
    }

    /** An authenticator over a verifier alone: stateless tokens (e.g. an identity provider's), no renewal. */
    public static Builder builder(TokenVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier");
        return new Builder(token -> Authentication.of(verifier.verify(token)));
    }

    /** Whether {@code variant} is known: {@value Procedure#PUBLIC}, an entity type or a defined variant. */
    public boolean knows(String variant) {
        return Procedure.PUBLIC.equals(variant) || variants.containsKey(variant);
    }

    /** Every variant name this authenticator answers to. */
    public List<String> variantNames() {
        List<String> names = new java.util.ArrayList<>(variants.keySet());
        names.add(0, Procedure.PUBLIC);
        return List.copyOf(names);
    }

    @Override
    public String name() {
        return Pipeline.AUTH;
    }

    @Override
    public void intercept(Call call, Chain chain) throws Exception {
        String variant = call.procedure().authVariant().orElse(defaultVariant);
        if (Procedure.PUBLIC.equals(variant)) {
            chain.proceed(call);
            return;
        }
        Set<String> accepted = variants.get(variant);
        if (accepted == null) {
            throw new IllegalStateException("procedure " + call.procedure().name()
                    + " requires the unknown auth variant '" + variant + "'; known: " + variantNames());
        }
        Operation operation = call.attribute(CallAttributes.OPERATION);
        List<String> headers = call.headers("Authorization");
        if (headers.isEmpty()) {
            call.setResponseHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
            reject(call, operation, 401, ErrorBody.UNAUTHENTICATED, "An access token is required.", "no credentials");
            return;
        }
        String bearer = headers.size() == 1 ? bearerToken(headers.get(0)) : null;
        if (bearer == null) {
            challenge(call, "invalid_request", "The Authorization header must be one Bearer token.");
            reject(
                    call,
                    operation,
                    401,
                    ErrorBody.UNAUTHENTICATED,
                    "The Authorization header must be one Bearer token.",
                    "malformed Authorization header");
            return;
        }
        Authentication authentication;
        try {
            authentication = tokens.authenticate(bearer);
        } catch (TokenException e) {
            rejectToken(call, operation, e);
            return;
        }
        VerifiedToken token = authentication.token();
        Optional<String> entity = entityOf.apply(token);
        if (entity.isEmpty() || !accepted.contains(entity.get())) {
            reject(
                    call,
                    operation,
                    403,
                    ErrorBody.FORBIDDEN,
                    "This caller may not use this procedure.",
                    "entity " + entity.orElse("(none)") + " not accepted by variant " + variant);
            return;
        }
        Object loaded = entities.get(entity.get()).load(token);
        if (loaded == null) {
            reject(
                    call,
                    operation,
                    403,
                    ErrorBody.FORBIDDEN,
                    "This caller may not use this procedure.",
                    "principal refused by the " + entity.get() + " loader");
            return;
        }
        Principal principal = Principal.of(
                entity.get(),
                token.subject(),
                token.sessionId().orElse(null),
                token.tenant().orElse(null),
                loaded);
        call.attribute(Principal.ATTRIBUTE, principal);
        if (operation != null) {
            operation.attr("caller", principal.caller());
        }
        if (authentication.renewedAccessToken().isPresent()) {
            call.setResponseHeader(
                    RENEWED_ACCESS_TOKEN_HEADER,
                    authentication.renewedAccessToken().get());
            if (operation != null) {
                operation.attr("auth.renewed", true);
            }
        }
        CallContext context = CallContext.current().withCaller(principal.caller());
        if (principal.tenant().isPresent()) {
            context = context.withTenant(principal.tenant().get());
        }
        try (Scope scope = context.activate()) {
            chain.proceed(call);
        }
    }

    /**
     * The token of {@code Bearer <b64token>} (RFC 6750 section 2.1: the scheme in any case, one or more spaces, the
     * token, trailing spaces tolerated), or null when the header is anything else. A scan, not a regular expression:
     * it runs on every authenticated call over a token of a few hundred characters.
     */
    static String bearerToken(String header) {
        int length = header.length();
        if (length < 8 || !isScheme(header)) {
            return null;
        }
        int i = 6;
        while (i < length && header.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        if (start == 6) {
            return null; // no space after the scheme
        }
        while (i < length && isTokenChar(header.charAt(i))) {
            i++;
        }
        if (i == start) {
            return null;
        }
        while (i < length && header.charAt(i) == '=') {
            i++;
        }
        int end = i;
        while (i < length && header.charAt(i) == ' ') {
            i++;
        }
        return i == length ? header.substring(start, end) : null;
    }

    private static boolean isScheme(String header) {
        String scheme = "bearer";
        for (int i = 0; i < scheme.length(); i++) {
            char c = header.charAt(i);
            if (c != scheme.charAt(i) && c != (char) (scheme.charAt(i) - ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '+'
                || c == '/';
    }

    private void rejectToken(Call call, Operation operation, TokenException e) throws Exception {
        switch (e.reason()) {
            case EXPIRED -> {
                challenge(call, "invalid_token", "The access token expired.");
                reject(call, operation, 401, ErrorBody.TOKEN_EXPIRED, "The access token expired.", e.getMessage());
            }
            case REVOKED ->
                reject(call, operation, 403, ErrorBody.SESSION_REVOKED, "The session was revoked.", e.getMessage());
            case UNAVAILABLE -> {
                call.setResponseHeader("Retry-After", "5");
                reject(
                        call,
                        operation,
                        503,
                        ErrorBody.AUTH_UNAVAILABLE,
                        "Authentication is unavailable; retry shortly.",
                        e.getMessage());
            }
            default -> {
                challenge(call, "invalid_token", "The access token is invalid.");
                reject(call, operation, 401, ErrorBody.INVALID_TOKEN, "The access token is invalid.", e.getMessage());
            }
        }
    }

    private void challenge(Call call, String error, String description) {
        call.setResponseHeader(
                "WWW-Authenticate",
                "Bearer realm=\"" + realm + "\", error=\"" + error + "\", error_description=\"" + description + "\"");
    }

    private static void reject(Call call, Operation operation, int status, String code, String message, String why)
            throws Exception {
        if (operation != null) {
            operation.attr("auth.rejected", why);
        }
        ErrorBody.respond(call, status, code, message);
    }

    /** The token check behind an authenticator. */
    @FunctionalInterface
    interface Tokens {
        Authentication authenticate(String token) throws TokenException;
    }

    /** Builds an {@link Authenticator}. */
    public static final class Builder {
        private final Tokens tokens;
        private final Map<String, PrincipalLoader> entities = new LinkedHashMap<>();
        private final Map<String, Set<String>> variants = new LinkedHashMap<>();
        private Function<VerifiedToken, Optional<String>> entityOf = VerifiedToken::entityType;
        private AuthSettings settings;

        private Builder(Tokens tokens) {
            this.tokens = tokens;
        }

        /**
         * Registers an entity type and how its principal is loaded; its name becomes a variant accepting it alone.
         *
         * @throws IllegalArgumentException for a bad or reserved name, or one registered twice
         */
        public Builder entity(String type, PrincipalLoader loader) {
            requireName(type, "entity type");
            Objects.requireNonNull(loader, "loader");
            if (entities.putIfAbsent(type, loader) != null) {
                throw new IllegalArgumentException("entity type '" + type + "' is registered twice");
            }
            return this;
        }

        /**
         * Defines a variant accepting the given entity types.
         *
         * @throws IllegalArgumentException for a bad or reserved name, or no entity types
         */
        public Builder variant(String name, String... entityTypes) {
            requireName(name, "variant");
            if (entityTypes.length == 0) {
                throw new IllegalArgumentException("variant '" + name + "' accepts no entity type");
            }
            variants.put(name, Set.of(entityTypes));
            return this;
        }

        /** How a token's entity type is read; the {@code ent} claim unless set (e.g. for an identity provider's tokens). */
        public Builder entityOf(Function<VerifiedToken, Optional<String>> entityOf) {
            this.entityOf = Objects.requireNonNull(entityOf, "entityOf");
            return this;
        }

        /** Default variant and realm; {@link AuthSettings#fromEnvironment()} unless set. */
        public Builder settings(AuthSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * The authenticator.
         *
         * @throws IllegalStateException when no entity is registered, a variant names an unregistered entity type, or
         *     the default variant is unknown
         */
        public Authenticator build() {
            if (entities.isEmpty()) {
                throw new IllegalStateException("register at least one entity type with entity(type, loader)");
            }
            variants.forEach((name, types) -> {
                for (String type : types) {
                    if (!entities.containsKey(type)) {
                        throw new IllegalStateException("variant '" + name + "' names the unregistered entity type '"
                                + type + "'; registered: " + entities.keySet());
                    }
                }
                if (entities.containsKey(name)) {
                    throw new IllegalStateException("variant '" + name + "' has the name of an entity type");
                }
            });
            return new Authenticator(this, settings == null ? AuthSettings.fromEnvironment() : settings);
        }

        private static void requireName(String name, String what) {
            Objects.requireNonNull(name, what);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "a " + what + " is lower-case letters, digits and '-', like user; got '" + name + "'");
            }
            if (name.equals(Procedure.PUBLIC) || name.equals(Procedure.AUTHENTICATED)) {
                throw new IllegalArgumentException("'" + name + "' is a built-in variant, not a " + what);
            }
        }
    }
}
