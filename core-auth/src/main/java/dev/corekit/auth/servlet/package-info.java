/**
 * The Jakarta Servlet adapter: {@link dev.corekit.auth.servlet.CorekitServletFilter} runs a corekit pipeline around
 * every request. The servlet API is a provided dependency: the container supplies it.
 */
package dev.corekit.auth.servlet;
