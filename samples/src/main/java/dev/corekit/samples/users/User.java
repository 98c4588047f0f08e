package dev.corekit.samples.users;

/**
 * A user as the rest of the service sees it: no credentials.
 *
 * @param id the login name, also the token subject
 * @param displayName how to address the user
 */
public record User(String id, String displayName) {}
