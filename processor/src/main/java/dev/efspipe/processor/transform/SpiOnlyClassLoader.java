package dev.efspipe.processor.transform;

import dev.efspipe.spi.RecordTransform;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of every plugin's class loader: the JDK (the platform class loader) and the {@code dev.efspipe.spi}
 * package, nothing else of the processor. A plugin's own libraries therefore never meet the processor's (its
 * Jackson, say, is its own), two plugins never see each other's classes, and the one type they share with the
 * processor, {@link RecordTransform}, is the processor's, so instances can be used across the boundary.
 */
final class SpiOnlyClassLoader extends ClassLoader {
    static final SpiOnlyClassLoader INSTANCE = new SpiOnlyClassLoader();

    private static final String SPI_PACKAGE = RecordTransform.class.getPackageName() + ".";
    private final ClassLoader spi = RecordTransform.class.getClassLoader();

    static {
        registerAsParallelCapable();
    }

    private SpiOnlyClassLoader() {
        super("efspipe-spi-only", ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(SPI_PACKAGE)) {
            return spi.loadClass(name);
        }
        return super.loadClass(name, resolve); // the platform loader, then findClass: ClassNotFoundException
    }

    /** No resources of the processor's class path: a plugin's {@code META-INF/services} are its own. */
    @Override
    protected URL findResource(String name) {
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.emptyEnumeration();
    }
}
