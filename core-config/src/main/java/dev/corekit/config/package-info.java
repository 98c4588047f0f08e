/**
 * Typed settings with zero per-service configuration. A {@link dev.corekit.config.Setting} is one named, typed,
 * validated key ({@code corekit.<area>.<key>}); {@link dev.corekit.config.Config} resolves it from, highest first, a
 * builder value, the system property, the environment variable {@code COREKIT_<AREA>_<KEY>}, a classpath
 * {@code corekit.properties}, and the default. Each module's settings record loads itself through
 * {@link dev.corekit.config.Config#reader()}, which collects every bad value before failing once with an
 * {@link dev.corekit.config.InvalidSettingException} naming key, value, source and what is allowed.
 * {@link dev.corekit.config.Secret} values never show themselves in {@code toString()}, logs or errors.
 *
 * <p>This jar has no runtime dependency.
 */
package dev.corekit.config;
