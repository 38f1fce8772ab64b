package dev.fashion.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Turns Ctrl-C (or SIGTERM) into a request the training loop polls between steps. The JVM runs shutdown
 * hooks on those signals and halts when they return, so the hook sets the flag and then waits for the
 * training thread to finish its step, write the checkpoint and call {@link #close()}.
 */
final class GracefulStop implements AutoCloseable {
    /** Longest a signal waits for the step, an evaluation pass and the checkpoint write. */
    private static final long WAIT_SECONDS = 120;
    /**
     * Test hook: the Nth poll (after the Nth step, counting epoch ends) waits up to a minute for a stop
     * request, so a test's signal always finds the run still training, however fast the machine is.
     */
    static final String WAIT_AT_POLL_PROPERTY = "fashion.stop.waitAtPoll";

    private volatile boolean requested;
    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::awaitTrainingThread, "fashion-graceful-stop");

    GracefulStop() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested;
    }

    /** What the training loop polls: {@link #requested()}, or with the test hook set, that and the wait. */
    BooleanSupplier poll() {
        long waitAt = Long.getLong(WAIT_AT_POLL_PROPERTY, 0);
        if (waitAt <= 0) return this::requested;
        long[] polls = {0};
        return () -> {
            if (++polls[0] == waitAt) {
                try {
                    signalled.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return requested;
        };
    }

    private void awaitTrainingThread() {
        requested = true;
        signalled.countDown();
        try {
            finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The training thread is done (checkpoint written or not needed): a waiting hook may let the JVM halt. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is already running; it returns now that the latch is open.
        }
    }
}
