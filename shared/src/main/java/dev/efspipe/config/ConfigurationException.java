package dev.efspipe.config;

/**
 * A setting that is missing or has a value the pipeline cannot use. Thrown while a function initialises, so
 * a bad deployment fails at start-up with the variable, the value and where it came from, not at the first
 * message.
 */
public final class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
