package dev.fashion.nn;

/** Receives each layer's forward and backward time, for profiling; see {@link Workspace#profile}. */
public interface LayerTimer {
    void forward(int layer, long nanos);

    void backward(int layer, long nanos);
}
