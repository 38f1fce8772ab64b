package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where the IDX files are and how pixels become inputs: x = (p/255 - mean) / std. The limits take the
 * first N images of a split (0 means all), for quick experiments. {@code validation: N} holds out N
 * training images (chosen from the seed) to measure each epoch on; {@code augment} randomly shifts and
 * flips training images as they are gathered into a batch.
 */
@JsonPropertyOrder({"dir", "normalize", "train_limit", "test_limit", "validation", "augment"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DataConfig {
    private String dir;
    private Normalize normalize = new Normalize();
    private int trainLimit = 0;
    private int testLimit = 0;
    private int validation = 0;
    private Augment augment;

    /**
     * Per training image, drawn from the seed: a translation by up to {@code shift} pixels each way (the
     * image padded with the background value, 0 before normalisation, then cropped back at a random
     * place), then a horizontal flip with probability {@code flip}; as recipes_pytorch.py's --aug.
     */
    @JsonPropertyOrder({"shift", "flip"})
    public static final class Augment {
        private int shift = 0;
        private double flip = 0;

        public int getShift() {
            return shift;
        }

        public void setShift(int shift) {
            if (shift < 0 || shift > 8) throw new IllegalArgumentException("shift must be 0 to 8 pixels, got " + shift);
            this.shift = shift;
        }

        public double getFlip() {
            return flip;
        }

        public void setFlip(double flip) {
            if (!(flip >= 0 && flip <= 1)) throw new IllegalArgumentException("flip must be a probability in [0, 1], got " + flip);
            this.flip = flip;
        }

        /** Whether this changes any image. */
        public boolean active() {
            return shift > 0 || flip > 0;
        }
    }

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

    /** Training images held out for validation (0: none). */
    public int getValidation() {
        return validation;
    }

    public void setValidation(int validation) {
        if (validation < 0) throw new IllegalArgumentException("validation must be 0 (none) or a number of training images, got " + validation);
        this.validation = validation;
    }

    /** Null: no augmentation. */
    public Augment getAugment() {
        return augment;
    }

    public void setAugment(Augment augment) {
        this.augment = augment;
    }

    public int getTestLimit() {
        return testLimit;
    }

    public void setTestLimit(int testLimit) {
        if (testLimit < 0) throw new IllegalArgumentException("test_limit must be 0 (all) or positive, got " + testLimit);
        this.testLimit = testLimit;
    }
}
