package dev.corekit.fake;

import dev.corekit.fake.internal.Hidden;

public class PublicFace {
    public int value() {
        return Hidden.value();
    }
}
