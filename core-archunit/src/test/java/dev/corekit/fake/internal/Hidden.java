package dev.corekit.fake.internal;

public class Hidden {
    public static int value() {
        return 1;
    }
}
