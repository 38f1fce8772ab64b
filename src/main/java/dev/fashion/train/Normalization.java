package dev.fashion.train;

import dev.fashion.config.DataConfig;

/** x = (p/255 - mean) / std, as one multiply-add per pixel. */
public record Normalization(float mean, float std) {
    public static Normalization of(DataConfig data) {
        return new Normalization((float) data.getNormalize().getMean(), (float) data.getNormalize().getStd());
    }
}
