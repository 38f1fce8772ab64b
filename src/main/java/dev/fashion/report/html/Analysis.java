package dev.fashion.report.html;

import dev.fashion.train.ClassificationReport;

import java.util.List;

/**
 * One run's model evaluated on the test set, for the report's detail section: the classification report
 * (confusion matrix, per-class precision, recall, F1) and the most confidently wrong images.
 *
 * @param wrongTotal how many test images the model got wrong (the gallery shows the first of them)
 */
public record Analysis(String run, String data, ClassificationReport report, List<Wrong> gallery, int wrongTotal) {

    /** A misclassified test image, its pixels (0..255, light on dark) and the model's probabilities. */
    public record Wrong(int index, byte[] pixels, int side, float[] probabilities, int predicted, int truth) {
        public float confidence() {
            return probabilities[predicted];
        }
    }
}
