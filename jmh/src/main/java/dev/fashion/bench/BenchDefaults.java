package dev.fashion.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Settings every benchmark shares (JMH annotations are inherited): throughput in ops/s, which the report
 * turns into GFLOP/s, GB/s or images/s; forks on, so the scalar and vector implementations never share
 * one JVM's profile; the Vector API module added in the fork. Override any of it on the command line
 * ({@code -f}, {@code -wi}, {@code -i}, {@code -r}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xss4m"})
public abstract class BenchDefaults {
}
