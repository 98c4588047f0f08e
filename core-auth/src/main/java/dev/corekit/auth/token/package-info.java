/**
 * JWT access and refresh tokens with nimbus-jose-jwt: {@link dev.corekit.auth.token.SigningKey} and
 * {@link dev.corekit.auth.token.VerificationKey} with their algorithm allow-lists,
 * {@link dev.corekit.auth.token.KeySet} (static keys or a JWKS), {@link dev.corekit.auth.token.TokenVerifier},
 * {@link dev.corekit.auth.token.TokenIssuer} and {@link dev.corekit.auth.token.TokenService} (sessions, refresh,
 * revocation, in-flight renewal).
 */
package dev.corekit.auth.token;
