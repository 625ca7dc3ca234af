package dev.efspipe.publish;

/**
 * Points between the publish steps where a crash test can stop the process for real. With the system
 * property {@code efspipe.crashAt} set to {@code afterRename} or {@code afterCurrent}, the JVM halts
 * there at once (as {@code kill -9} would: no shutdown hooks, no flushing). Unset, these are no-ops.
 */
final class PublishHooks {
    private static final String CRASH_AT = System.getProperty("efspipe.crashAt", "");

    private PublishHooks() {}

    static void afterRename() {
        if (CRASH_AT.equals("afterRename")) {
            Runtime.getRuntime().halt(137);
        }
    }

    static void afterCurrent() {
        if (CRASH_AT.equals("afterCurrent")) {
            Runtime.getRuntime().halt(137);
        }
    }
}
