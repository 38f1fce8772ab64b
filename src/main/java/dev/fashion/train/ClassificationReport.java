package dev.fashion.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a classifier goes right and wrong: the confusion matrix (rows the true class, columns the
 * prediction) and per-class precision, recall and F1 with their unweighted (macro) means. A class never
 * predicted has precision 0, one never present recall 0, as scikit-learn reports them.
 */
public final class ClassificationReport {
    private final List<String> classNames;
    private final long[][] confusion;
    private final long count;

    private ClassificationReport(List<String> classNames, long[][] confusion, long count) {
        this.classNames = List.copyOf(classNames);
        this.confusion = confusion;
        this.count = count;
    }

    public static ClassificationReport of(int[] predictions, int[] labels, List<String> classNames) {
        if (predictions.length != labels.length) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + labels.length + " labels");
        }
        int k = classNames.size();
        long[][] m = new long[k][k];
        for (int i = 0; i < labels.length; i++) m[labels[i]][predictions[i]]++;
        return new ClassificationReport(classNames, m, labels.length);
    }

    public int classes() {
        return classNames.size();
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Images of true class {@code actual} predicted as {@code predicted}. */
    public long confusion(int actual, int predicted) {
        return confusion[actual][predicted];
    }

    public long count() {
        return count;
    }

    public double accuracy() {
        long right = 0;
        for (int c = 0; c < classes(); c++) right += confusion[c][c];
        return count == 0 ? 0 : (double) right / count;
    }

    /** Images whose true class is {@code c}. */
    public long support(int c) {
        long n = 0;
        for (long v : confusion[c]) n += v;
        return n;
    }

    private long predicted(int c) {
        long n = 0;
        for (long[] row : confusion) n += row[c];
        return n;
    }

    public double precision(int c) {
        long p = predicted(c);
        return p == 0 ? 0 : (double) confusion[c][c] / p;
    }

    public double recall(int c) {
        long s = support(c);
        return s == 0 ? 0 : (double) confusion[c][c] / s;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < classes(); c++) s += precision(c);
        return s / classes();
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < classes(); c++) s += recall(c);
        return s / classes();
    }

    public double macroF1() {
        double s = 0;
        for (int c = 0; c < classes(); c++) s += f1(c);
        return s / classes();
    }

    /** The per-class table and the confusion matrix, aligned for a terminal. */
    public String text() {
        int name = "macro average".length();
        for (String n : classNames) name = Math.max(name, n.length() + 3);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-" + name + "s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < classes(); c++) {
            sb.append(String.format("%-" + name + "s %9.4f %9.4f %9.4f %9d%n", c + ": " + classNames.get(c),
                    precision(c), recall(c), f1(c), support(c)));
        }
        sb.append(String.format("%-" + name + "s %9.4f %9.4f %9.4f %9d%n", "macro average",
                macroPrecision(), macroRecall(), macroF1(), count));
        sb.append(String.format("%-" + name + "s %29.4f %9d%n", "accuracy", accuracy(), count));

        long max = 1;
        for (long[] row : confusion) for (long v : row) max = Math.max(max, v);
        int cell = Math.max(Long.toString(max).length(), Integer.toString(classes() - 1).length()) + 2;
        sb.append(String.format("%nconfusion matrix (rows: true class, columns: predicted class)%n"));
        sb.append(String.format("%-" + name + "s", ""));
        for (int c = 0; c < classes(); c++) sb.append(String.format("%" + cell + "d", c));
        sb.append(System.lineSeparator());
        for (int a = 0; a < classes(); a++) {
            sb.append(String.format("%-" + name + "s", a + ": " + classNames.get(a)));
            for (int p = 0; p < classes(); p++) sb.append(String.format("%" + cell + "d", confusion[a][p]));
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** The report as eval.json writes it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("accuracy", accuracy());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < classes(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", c);
            row.put("class", classNames.get(c));
            row.put("precision", precision(c));
            row.put("recall", recall(c));
            row.put("f1", f1(c));
            row.put("support", support(c));
            perClass.add(row);
        }
        m.put("classes", perClass);
        Map<String, Object> macro = new LinkedHashMap<>();
        macro.put("precision", macroPrecision());
        macro.put("recall", macroRecall());
        macro.put("f1", macroF1());
        m.put("macro_average", macro);
        m.put("confusion_matrix_rows", "true class");
        m.put("confusion_matrix", confusion);
        return m;
    }
}
