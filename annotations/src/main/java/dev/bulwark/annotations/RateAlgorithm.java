package dev.bulwark.annotations;

/** How a rate limiter counts permits. */
public enum RateAlgorithm {
    TOKEN_BUCKET, FIXED_WINDOW, SLIDING_WINDOW
}
