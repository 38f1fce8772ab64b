package dev.fashion.train;

import dev.fashion.nn.Layer;
import dev.fashion.nn.LayerTimer;
import dev.fashion.nn.Model;

import java.util.List;

/**
 * Where a training step's time goes: data gathering, each layer's forward and backward, the loss and
 * the optimizer, summed over the steps recorded. The bench command prints it.
 */
public final class StepProfile implements LayerTimer {
    private final List<Layer> layers;
    private final long[] forward;
    private final long[] backward;
    private long data;
    private long loss;
    private long optimizer;
    private long steps;
    private long images;

    public StepProfile(Model model) {
        this.layers = model.layers();
        this.forward = new long[layers.size()];
        this.backward = new long[layers.size()];
    }

    @Override
    public void forward(int layer, long nanos) {
        forward[layer] += nanos;
    }

    @Override
    public void backward(int layer, long nanos) {
        backward[layer] += nanos;
    }

    void step(int n, long dataNanos, long lossNanos, long optimizerNanos) {
        steps++;
        images += n;
        data += dataNanos;
        loss += lossNanos;
        optimizer += optimizerNanos;
    }

    public long steps() {
        return steps;
    }

    public long images() {
        return images;
    }

    public List<Layer> layers() {
        return layers;
    }

    public long forwardNanos(int layer) {
        return forward[layer];
    }

    public long backwardNanos(int layer) {
        return backward[layer];
    }

    public long dataNanos() {
        return data;
    }

    public long lossNanos() {
        return loss;
    }

    public long optimizerNanos() {
        return optimizer;
    }

    public long totalNanos() {
        long t = data + loss + optimizer;
        for (int i = 0; i < forward.length; i++) t += forward[i] + backward[i];
        return t;
    }
}
