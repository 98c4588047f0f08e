package dev.corekit.storage.internal;

import dev.corekit.storage.PublicFiles;
import java.net.URI;
import java.util.Optional;

/** Public files: create-only, immutable Cache-Control, CDN URLs. */
final class DefaultPublicFiles extends AreaFiles implements PublicFiles {
    private final String base;

    DefaultPublicFiles(DefaultStorage storage, URI baseUrl) {
        super(storage, storage.settings().publicPrefix(), "public");
        String text = baseUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    boolean createOnly() {
        return true;
    }

    @Override
    Optional<String> cacheControl() {
        return Optional.of(storage.settings().publicCacheControl());
    }

    @Override
    public URI url(String key) {
        objectKey(key);
        return URI.create(base + "/" + Keys.encodePath(key));
    }
}
