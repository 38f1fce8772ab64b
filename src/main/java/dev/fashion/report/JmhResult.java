package dev.fashion.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One row of JMH's JSON output ({@code -rf json}): which benchmark with which {@code @Param} values, its
 * primary score with JMH's error (the 99.9% confidence half-width, NaN with one iteration), and the
 * allocation per op when {@code -prof gc} ran (NaN otherwise).
 */
public record JmhResult(String benchmark, Map<String, String> params, String mode, double score, double error,
                        String unit, double allocBytesPerOp, String jvm) {

    /** The benchmark class's simple name, e.g. "MatmulBench". */
    public String benchClass() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    /** The benchmark method, e.g. "forward". */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** "MatmulBench.forward". */
    public String shortName() {
        return benchClass() + "." + method();
    }

    public String param(String name) {
        return params.get(name);
    }

    /** The parameters except {@code without}, in JMH's order: "64x784x256" for a shape, else "name=value". */
    public String paramsLabel(String without) {
        Map<String, String> rest = new LinkedHashMap<>(params);
        rest.remove(without);
        return rest.entrySet().stream()
                .map(e -> e.getKey().equals("shape") ? e.getValue() : e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
