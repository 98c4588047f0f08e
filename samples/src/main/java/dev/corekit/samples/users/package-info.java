/**
 * The sample's users: stored in MongoDB with salted PBKDF2 password hashes, loaded as the principal of the {@code user}
 * entity type by core-auth's {@link dev.corekit.auth.Authenticator}, and logging in through
 * {@link dev.corekit.samples.users.LoginApi}, which issues core-auth tokens in a revocable session.
 */
package dev.corekit.samples.users;
