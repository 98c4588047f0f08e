/**
 * The sample's small HTTP layer on the JDK server: a route table that names each route's corekit
 * {@link dev.corekit.auth.Procedure} (so the interceptor pipeline records and authorizes it) and dispatches it to an
 * {@link dev.corekit.samples.http.Endpoint}, a function from {@link dev.corekit.samples.http.Request} to
 * {@link dev.corekit.samples.http.Response}. JSON in and out with Jackson; errors in corekit's one error shape.
 */
package dev.corekit.samples.http;
