package dev.fashion.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fashion.FashionException;
import dev.fashion.config.RunConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every combination of a sweep's settings, in a fixed order (the first --set varies slowest), each with
 * its resolved config and a directory name made from its values, so the same command always maps a
 * combination to the same directory: that is what lets a rerun find finished and interrupted runs.
 */
public final class SweepGrid {
    /** One combination: its directory name, the values it sets (key to value, in --set order), its config. */
    public record Point(String name, Map<String, JsonNode> settings, RunConfig config, Integer threads, String kernels) {
        /** The settings as plain values for sweep.jsonl. */
        public Map<String, Object> settingsForJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            settings.forEach((k, v) -> m.put(k, v));
            return m;
        }
    }

    private SweepGrid() {
    }

    /** All combinations, every one validated before any runs; an invalid key or value names it. */
    public static List<Point> expand(RunConfig base, List<Setting> settings) {
        Set<String> keys = new HashSet<>();
        for (Setting s : settings) {
            if (!keys.add(s.key())) throw new FashionException("--set " + s.key() + ": given twice; list all its values in one --set");
            if (s.isRuntime()) s.values().forEach(s::checkRuntimeValue);
            else s.values().forEach(v -> s.apply(base, v)); // each value on its own first: the error names the key
        }
        Map<String, String> labels = labels(settings);
        List<Point> points = new ArrayList<>();
        expand(base, settings, labels, 0, new LinkedHashMap<>(), points);
        Set<String> names = new HashSet<>();
        for (Point p : points) {
            if (!names.add(p.name())) throw new FashionException("--set: two combinations would share the directory " + p.name()
                    + "; give values that differ in their text");
        }
        return Collections.unmodifiableList(points);
    }

    private static void expand(RunConfig cfg, List<Setting> settings, Map<String, String> labels, int axis,
                               LinkedHashMap<String, JsonNode> chosen, List<Point> out) {
        if (axis == settings.size()) {
            Integer threads = null;
            String kernels = null;
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : chosen.entrySet()) {
                if (e.getKey().equals(Setting.THREADS)) threads = e.getValue().asInt();
                if (e.getKey().equals(Setting.KERNELS)) kernels = e.getValue().asText();
                parts.add(labels.get(e.getKey()) + "=" + safe(Setting.text(e.getValue())));
            }
            String name = parts.isEmpty() ? "run" : String.join("_", parts);
            out.add(new Point(name, Collections.unmodifiableMap(new LinkedHashMap<>(chosen)), cfg, threads, kernels));
            return;
        }
        Setting s = settings.get(axis);
        for (JsonNode v : s.values()) {
            chosen.put(s.key(), v);
            expand(s.isRuntime() ? cfg : s.apply(cfg, v), settings, labels, axis + 1, chosen, out);
            chosen.remove(s.key());
        }
    }

    /** Each key's name in directory names: its last field, or the whole key where two last fields clash. */
    private static Map<String, String> labels(List<Setting> settings) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Setting s : settings) counts.merge(s.label(), 1, Integer::sum);
        Map<String, String> labels = new LinkedHashMap<>();
        for (Setting s : settings) labels.put(s.key(), counts.get(s.label()) > 1 ? safe(s.key()) : s.label());
        return labels;
    }

    /** Letters, digits, '.', '-', '+' stay; anything else (brackets, commas, spaces, slashes) becomes '_'. */
    static String safe(String text) {
        String s = text.replaceAll("[^A-Za-z0-9.+-]", "_");
        return s.isEmpty() ? "_" : s;
    }
}
