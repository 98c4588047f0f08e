package dev.corekit.auth.token;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;

/**
 * A compact JWS ({@code header.payload.signature}) split without decoding anything it does not need yet: the
 * verifier parses the header (or finds it cached), checks the signature over the exact characters of the token, and
 * only then decodes the payload. nimbus's {@code SignedJWT.parse} decodes the header and keeps the payload with its own
 * Base64 codec, which is about a fifth of an HS256 verification; the header and claims are still parsed by nimbus
 * ({@link JWSHeader#parse}, {@code JWTClaimsSet.parse}), so {@code alg=none} and malformed JSON fail as they do
 * there.
 */
final class CompactJws {
    private final String token;
    private final int firstDot;
    private final int secondDot;

    private CompactJws(String token, int firstDot, int secondDot) {
        this.token = token;
        this.firstDot = firstDot;
        this.secondDot = secondDot;
    }

    /**
     * Splits a token into its three parts.
     *
     * @throws TokenException MALFORMED when it is missing, longer than {@link TokenVerifier#MAX_TOKEN_LENGTH}, or not
     *     three parts with a non-empty header and signature
     */
    static CompactJws split(String token) throws TokenException {
        if (token == null || token.isEmpty()) {
            throw new TokenException(TokenException.Reason.MALFORMED, "no token");
        }
        if (token.length() > TokenVerifier.MAX_TOKEN_LENGTH) {
            throw new TokenException(
                    TokenException.Reason.MALFORMED, "token longer than " + TokenVerifier.MAX_TOKEN_LENGTH);
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
            throw notSigned();
        }
        return new CompactJws(token, first, second);
    }

    /** The header's Base64URL text, as the token carries it. */
    String headerPart() {
        return token.substring(0, firstDot);
    }

    /**
     * The header, decoded and parsed by nimbus.
     *
     * @throws TokenException MALFORMED when it is not a JWS header (an unsecured {@code alg=none} header is not)
     */
    JWSHeader parseHeader() throws TokenException {
        try {
            return JWSHeader.parse(new Base64URL(headerPart()));
        } catch (ParseException | IllegalArgumentException e) {
            throw notSigned();
        }
    }

    /** The bytes the signature covers: the token's characters up to the second dot. */
    byte[] signingInput() {
        return token.substring(0, secondDot).getBytes(StandardCharsets.UTF_8);
    }

    /** The signature part. */
    Base64URL signature() {
        return new Base64URL(token.substring(secondDot + 1));
    }

    /**
     * The payload, decoded (strict Base64URL: a character outside the alphabet is an error, not skipped).
     *
     * @throws IllegalArgumentException when it is not Base64URL
     */
    String payload() {
        return new String(
                Base64.getUrlDecoder().decode(token.substring(firstDot + 1, secondDot)), StandardCharsets.UTF_8);
    }

    private static TokenException notSigned() {
        return new TokenException(TokenException.Reason.MALFORMED, "not a signed JWT");
    }
}
