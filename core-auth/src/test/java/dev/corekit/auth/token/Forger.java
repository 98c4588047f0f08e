package dev.corekit.auth.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.corekit.auth.AuthSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;

/** Builds tokens a test controls field by field, signed with nimbus: the attacker's and the edge cases' tokens. */
public final class Forger {
    private final SigningKey key;
    private final AuthSettings settings;
    private final Clock clock;

    public Forger(SigningKey key, AuthSettings settings, Clock clock) {
        this.key = key;
        this.settings = settings;
        this.clock = clock;
    }

    public JWSHeader.Builder header() {
        return new JWSHeader.Builder(Jose.jws(key.algorithm()))
                .keyID(key.keyId())
                .type(new JOSEObjectType(TokenIssuer.ACCESS_TOKEN_TYPE));
    }

    public JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject("42")
                .claim(VerifiedToken.ENTITY_CLAIM, "user")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        settings.issuer().ifPresent(claims::issuer);
        settings.audience().ifPresent(claims::audience);
        return claims;
    }

    public String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    public String token(Consumer<JWSHeader.Builder> headerChange, Consumer<JWTClaimsSet.Builder> claimsChange)
            throws Exception {
        JWSHeader.Builder header = header();
        headerChange.accept(header);
        JWTClaimsSet.Builder claims = claims();
        claimsChange.accept(claims);
        return sign(header.build(), claims.build(), key.signer());
    }

    public String valid() throws Exception {
        return token(h -> {}, c -> {});
    }

    public String withType(String type) throws Exception {
        return token(h -> h.type(type == null ? null : new JOSEObjectType(type)), c -> {});
    }

    public String times(Instant exp, Instant nbf, Instant iat) throws Exception {
        return token(
                h -> {},
                c -> c.expirationTime(exp == null ? null : Date.from(exp))
                        .notBeforeTime(nbf == null ? null : Date.from(nbf))
                        .issueTime(iat == null ? null : Date.from(iat)));
    }
}
