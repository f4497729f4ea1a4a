package dev.zn5.adapters.zarrjava;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library under test and the adapter's own version, as the hello reply names them. */
final class Versions {

    /** The zarr-java version on the class path, from the pom.properties its JAR carries. */
    static final String ZARR_JAVA = libraryVersion();
    static final String ADAPTER = "0.1.0";

    private Versions() {
    }

    private static String libraryVersion() {
        String resource = "/META-INF/maven/dev.zarr/zarr-java/pom.properties";
        try (InputStream stream = Versions.class.getResourceAsStream(resource)) {
            if (stream == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(stream);
            return properties.getProperty("version");
        } catch (IOException error) {
            throw new IllegalStateException("cannot read " + resource, error);
        }
    }
}
