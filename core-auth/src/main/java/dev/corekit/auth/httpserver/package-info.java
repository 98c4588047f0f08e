/**
 * The JDK {@code com.sun.net.httpserver} adapter: {@link dev.corekit.auth.httpserver.CorekitHttpFilter} runs a
 * corekit pipeline around every exchange. Used by the samples; no dependency beyond the JDK.
 */
package dev.corekit.auth.httpserver;
