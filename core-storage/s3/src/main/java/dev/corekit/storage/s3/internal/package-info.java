/** Implementation of the S3 provider; not API. */
package dev.corekit.storage.s3.internal;
