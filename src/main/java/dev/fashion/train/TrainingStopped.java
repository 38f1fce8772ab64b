package dev.fashion.train;

import dev.fashion.FashionException;

import java.nio.file.Path;

/** Training was asked to stop (Ctrl-C) and did so between two steps, after writing a checkpoint. */
public final class TrainingStopped extends FashionException {
    /** What a shell reports for a process ended by SIGINT. */
    public static final int EXIT_CODE = 130;

    public TrainingStopped(TrainingState state, long steps, Path checkpoint) {
        super("interrupted at " + state.position() + " (step " + steps + ")"
                + (checkpoint == null ? "" : "; checkpoint saved to " + checkpoint), EXIT_CODE, null);
    }
}
