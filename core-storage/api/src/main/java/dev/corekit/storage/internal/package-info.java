/** Implementation of core-storage; not API, changes without notice. */
package dev.corekit.storage.internal;
