package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where the IDX files are and how pixels become inputs: x = (p/255 - mean) / std. The limits take the
 * first N images of a split (0 means all), for quick experiments.
 */
@JsonPropertyOrder({"dir", "normalize", "train_limit", "test_limit"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DataConfig {
    private String dir;
    private Normalize normalize = new Normalize();
    private int trainLimit = 0;
    private int testLimit = 0;

    /** (p/255 - mean) / std; the reference uses 0.5 and 0.5, mapping pixels to [-1, 1]. */
    @JsonPropertyOrder({"mean", "std"})
    public static final class Normalize {
        private double mean = 0.5;
        private double std = 0.5;

        public double getMean() {
            return mean;
        }

        public void setMean(double mean) {
            if (!Double.isFinite(mean)) throw new IllegalArgumentException("mean must be a finite number, got " + mean);
            this.mean = mean;
        }

        public double getStd() {
            return std;
        }

        public void setStd(double std) {
            if (!(std > 0) || Double.isInfinite(std)) throw new IllegalArgumentException("std must be positive, got " + std);
            this.std = std;
        }
    }

    /** The data directory, or null for the bundled Fashion-MNIST. */
    public String getDir() {
        return dir;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public Normalize getNormalize() {
        return normalize;
    }

    public void setNormalize(Normalize normalize) {
        if (normalize == null) throw new IllegalArgumentException("normalize needs mean and std");
        this.normalize = normalize;
    }

    public int getTrainLimit() {
        return trainLimit;
    }

    public void setTrainLimit(int trainLimit) {
        if (trainLimit < 0) throw new IllegalArgumentException("train_limit must be 0 (all) or positive, got " + trainLimit);
        this.trainLimit = trainLimit;
    }

    public int getTestLimit() {
        return testLimit;
    }

    public void setTestLimit(int testLimit) {
        if (testLimit < 0) throw new IllegalArgumentException("test_limit must be 0 (all) or positive, got " + testLimit);
        this.testLimit = testLimit;
    }
}
