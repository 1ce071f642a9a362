package io.nodecache.dashboard.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --key=value} arguments of the benchmark mains. */
final class Args {

    private Args() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || a.indexOf('=') < 3) {
                throw new IllegalArgumentException("expected --key=value, got '" + a + "'");
            }
            m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return m;
    }
}
