package io.nodecache.metrics;

import io.nodecache.dns.upstream.ForwardListener;
import java.net.InetSocketAddress;
import java.util.List;

/** Several {@link ForwardListener}s as one, called in order (the forwarder takes one). */
public final class ForwardListeners implements ForwardListener {

    private final ForwardListener[] listeners;

    private ForwardListeners(List<ForwardListener> listeners) {
        this.listeners = listeners.toArray(ForwardListener[]::new);
    }

    /** A listener telling each of {@code listeners} in turn. */
    public static ForwardListener of(ForwardListener... listeners) {
        return new ForwardListeners(List.of(listeners));
    }

    @Override
    public void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) {
        for (ForwardListener l : listeners) {
            l.onAnswer(upstream, tcp, rcode, rttNanos);
        }
    }

    @Override
    public void onFailure(InetSocketAddress upstream, Throwable cause) {
        for (ForwardListener l : listeners) {
            l.onFailure(upstream, cause);
        }
    }

    @Override
    public void onUdpStages(long handoffNanos, long socketNanos, long upstreamNanos) {
        for (ForwardListener l : listeners) {
            l.onUdpStages(handoffNanos, socketNanos, upstreamNanos);
        }
    }

    @Override
    public void onMismatch(InetSocketAddress upstream) {
        for (ForwardListener l : listeners) {
            l.onMismatch(upstream);
        }
    }

    @Override
    public void onHealthChange(InetSocketAddress upstream, boolean healthy) {
        for (ForwardListener l : listeners) {
            l.onHealthChange(upstream, healthy);
        }
    }

    @Override
    public void onHealthcheckBroken() {
        for (ForwardListener l : listeners) {
            l.onHealthcheckBroken();
        }
    }

    @Override
    public void onHealthcheckFailure(InetSocketAddress upstream) {
        for (ForwardListener l : listeners) {
            l.onHealthcheckFailure(upstream);
        }
    }

    @Override
    public void onMaxConcurrentRejected() {
        for (ForwardListener l : listeners) {
            l.onMaxConcurrentRejected();
        }
    }
}
