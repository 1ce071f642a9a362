package io.nodecache.kubednscm;

/** The kube-dns ConfigMap cannot be used: the message names the file (and the key) at fault. */
public final class KubeDnsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public KubeDnsConfigException(String message) {
        super(message);
    }
}
