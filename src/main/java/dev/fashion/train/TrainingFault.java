package dev.fashion.train;

import dev.fashion.FashionException;

/** The loss stopped being a finite number: training cannot continue meaningfully. Exit code 3. */
public final class TrainingFault extends FashionException {
    public TrainingFault(String message) {
        super(message, NUMERICAL_FAULT, null);
    }
}
