package dev.zn5.adapters.zarrjava;

import dev.zn5.kit.AdapterKit;

import java.io.IOException;

/**
 * The zn5 adapter for zarr-java: one JVM serves a whole run. The protocol glue (message loop,
 * dispatch, array results, replies) is the Java adapter kit (conformance/adapters/kits/java, added to
 * the sources by pom.xml); {@link Cases} holds the hooks that drive zarr-java.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] arguments) throws IOException {
        AdapterKit.serve(new Cases());
    }
}
