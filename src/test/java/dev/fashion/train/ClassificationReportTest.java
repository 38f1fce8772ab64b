package dev.fashion.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassificationReportTest {
    /*
     * Three classes, ten samples. Confusion (rows true, columns predicted):
     *        a  b  c
     *   a  [ 3  1  0 ]   support 4
     *   b  [ 1  2  1 ]   support 4
     *   c  [ 0  0  2 ]   support 2
     * predicted totals: a 4, b 3, c 3
     * precision a 3/4, b 2/3, c 2/3; recall a 3/4, b 2/4, c 2/2
     * f1 a 0.75, b 2(2/3)(1/2)/(2/3+1/2) = 4/7, c 2(2/3)(1)/(5/3) = 0.8
     */
    static final int[] LABELS = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
    static final int[] PREDICTIONS = {0, 0, 0, 1, 0, 1, 1, 2, 2, 2};

    @Test
    void perClassAndMacroMetricsMatchTheHandComputedMatrix() {
        ClassificationReport r = ClassificationReport.of(PREDICTIONS, LABELS, List.of("a", "b", "c"));
        assertEquals(3, r.confusion(0, 0));
        assertEquals(1, r.confusion(1, 2));
        assertEquals(0, r.confusion(2, 0));
        assertEquals(0.7, r.accuracy(), 1e-12);
        assertEquals(0.75, r.precision(0), 1e-12);
        assertEquals(2.0 / 3, r.precision(1), 1e-12);
        assertEquals(2.0 / 3, r.precision(2), 1e-12);
        assertEquals(0.75, r.recall(0), 1e-12);
        assertEquals(0.5, r.recall(1), 1e-12);
        assertEquals(1.0, r.recall(2), 1e-12);
        assertEquals(0.75, r.f1(0), 1e-12);
        assertEquals(4.0 / 7, r.f1(1), 1e-12);
        assertEquals(0.8, r.f1(2), 1e-12);
        assertEquals((0.75 + 2.0 / 3 + 2.0 / 3) / 3, r.macroPrecision(), 1e-12);
        assertEquals((0.75 + 0.5 + 1.0) / 3, r.macroRecall(), 1e-12);
        assertEquals((0.75 + 4.0 / 7 + 0.8) / 3, r.macroF1(), 1e-12);
        assertEquals(4, r.support(0));
        assertEquals(2, r.support(2));
    }

    @Test
    void aClassNeverPredictedOrAbsentScoresZeroNotNaN() {
        ClassificationReport r = ClassificationReport.of(new int[]{0, 0}, new int[]{0, 1}, List.of("a", "b", "c"));
        assertEquals(0, r.precision(1));
        assertEquals(0, r.recall(2));
        assertEquals(0, r.f1(2));
        assertTrue(Double.isFinite(r.macroF1()));
    }

    @Test
    void textIsAlignedAndJsonHasTheMatrix() {
        ClassificationReport r = ClassificationReport.of(PREDICTIONS, LABELS, List.of("a", "b", "c"));
        String[] lines = r.text().split("\\R");
        assertTrue(lines[0].startsWith("class"), lines[0]);
        assertEquals(lines[1].length(), lines[2].length(), "rows line up:\n" + r.text());
        assertTrue(r.text().contains("0.7500"), r.text());
        Map<String, Object> m = r.toMap();
        assertEquals(0.7, (double) m.get("accuracy"), 1e-12);
        assertEquals(2L, ((long[][]) m.get("confusion_matrix"))[2][2]);
    }
}
