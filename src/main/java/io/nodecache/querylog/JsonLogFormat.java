package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import java.time.Instant;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * One query as one JSON object on one line, for log pipelines that parse JSON (the {@code json} log format). Field
 * names follow the CoreDNS log line's placeholders.
 */
public final class JsonLogFormat {

    private JsonLogFormat() {}

    public static String format(QueryEvent e) {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "time", Instant.ofEpochMilli(e.epochMillis()).toString()).append(',');
        field(sb, "remote", e.clientAddress() == null ? "" : e.clientAddress().getHostAddress()).append(',');
        sb.append("\"port\":").append(e.clientPort()).append(',');
        sb.append("\"id\":").append(e.id()).append(',');
        field(sb, "type", Type.string(e.qtype())).append(',');
        field(sb, "class", DClass.string(e.qclass())).append(',');
        field(sb, "name", e.qname()).append(',');
        field(sb, "proto", e.transport().label()).append(',');
        sb.append("\"size\":").append(e.requestSize()).append(',');
        sb.append("\"do\":").append(e.dnssecOk()).append(',');
        sb.append("\"bufsize\":").append(e.udpSize()).append(',');
        field(sb, "rcode", Rcode.string(e.rcode())).append(',');
        field(sb, "rflags", CoreDnsLogFormat.flagsText(e.responseFlags())).append(',');
        sb.append("\"rsize\":").append(e.responseSize()).append(',');
        sb.append("\"duration\":").append(e.durationNanos() / 1e9).append(',');
        field(sb, "cache", e.outcome().name().toLowerCase(java.util.Locale.ROOT)).append(',');
        field(sb, "upstream", e.upstream() == null ? "" : e.upstream()).append(',');
        field(sb, "server", e.zone());
        return sb.append('}').toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
