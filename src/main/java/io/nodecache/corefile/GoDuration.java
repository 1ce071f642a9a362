package io.nodecache.corefile;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Parses durations as Go's {@code time.ParseDuration} does ({@code 500ms}, {@code 30s}, {@code 1h30m}), and also a
 * bare integer as seconds.
 *
 * <p>CoreDNS reads every duration with {@code time.ParseDuration}; the bare-integer form is ours, because Corefile
 * authors write {@code servfail 10} as readily as {@code servfail 10s}.
 */
final class GoDuration {

    private GoDuration() {}

    /**
     * Returns the duration {@code text} stands for.
     *
     * @throws IllegalArgumentException if it is not a duration
     */
    static Duration parse(String text) {
        if (text.matches("[0-9]{1,12}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("not a duration: " + text);
            }
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos(unit, text))));
        }
        long total = nanos.longValue();
        return Duration.ofNanos(negative ? -total : total);
    }

    private static long unitNanos(String unit, String text) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException(
                    unit.isEmpty() ? "missing unit in duration: " + text : "unknown unit '" + unit + "' in duration: " + text);
        };
    }
}
