/**
 * One composable interceptor pipeline for every call a service serves: request context, one operation record per
 * call, slow- and hung-call records, CORS and multi-entity JWT auth, applied through a server adapter
 * ({@code dev.corekit.auth.servlet}, {@code dev.corekit.auth.httpserver}).
 *
 * <p>Start with {@link dev.corekit.auth.Pipeline}: an {@link dev.corekit.auth.Interceptor} is a function of a
 * {@link dev.corekit.auth.Call} and the rest of the chain; procedures are named in
 * {@link dev.corekit.auth.Procedures} and pick an auth variant by name. Tokens and key sets live in
 * {@code dev.corekit.auth.token}, sessions in {@code dev.corekit.auth.session}. Settings:
 * {@link dev.corekit.auth.AuthSettings} ({@code corekit.auth.*}).
 */
package dev.corekit.auth;
