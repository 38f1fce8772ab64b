package dev.fashion;

/**
 * A problem the user can fix (bad flag, missing or corrupt file, invalid config). The message is one
 * line that names the file, field or value and says what was expected; the CLI prints it without a
 * stack trace and exits with {@link #exitCode()}.
 */
public class FashionException extends RuntimeException {
    /** Exit code for user errors: bad input, bad flags, bad files. */
    public static final int USER_ERROR = 2;
    /** Exit code for a numerical fault during training (NaN or infinite loss). */
    public static final int NUMERICAL_FAULT = 3;

    private final int exitCode;

    public FashionException(String message) {
        this(message, USER_ERROR, null);
    }

    public FashionException(String message, Throwable cause) {
        this(message, USER_ERROR, cause);
    }

    public FashionException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
