package io.nodecache.dns.wire;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Generators of DNS queries for the property tests: valid ones built by dnsjava (the reference reader), and the
 * ways a packet goes bad on the wire (flipped bytes, cut tails, pointer loops, label overruns, huge counts, bad OPT).
 */
public final class WirePackets {

    private WirePackets() {}

    /** A question as generated, with what the reader must report for it. */
    public record Query(byte[] qnameWire, int qtype, int qclass, int id, boolean rd, boolean cd, int ednsSize,
            boolean dnssecOk) {

        public Name name() {
            try {
                return new Name(new DNSInput(qnameWire));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** The query as dnsjava writes it. */
        public byte[] wire() {
            Message m = Message.newQuery(Record.newRecord(name(), qtype, qclass));
            m.getHeader().setID(id);
            if (!rd) {
                m.getHeader().unsetFlag(Flags.RD);
            } else {
                m.getHeader().setFlag(Flags.RD);
            }
            if (cd) {
                m.getHeader().setFlag(Flags.CD);
            }
            if (ednsSize >= 0) {
                m.addRecord(new OPTRecord(ednsSize, 0, 0, dnssecOk ? Flags.DO : 0), Section.ADDITIONAL);
            }
            return m.toWire();
        }

        @Override
        public String toString() {
            return name() + "/" + qtype + "/" + qclass + " id=" + id + " edns=" + ednsSize;
        }
    }

    /** One label: 1..63 arbitrary bytes, biased towards what names hold but with dots, spaces and binary too. */
    static Arbitrary<byte[]> label() {
        Arbitrary<Byte> hostByte = Arbitraries.of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
                .chars().mapToObj(c -> (byte) c).toList());
        Arbitrary<Byte> anyByte = Arbitraries.bytes();
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, hostByte),
                        net.jqwik.api.Tuple.of(2, anyByte))
                .list().ofMinSize(1).ofMaxSize(63)
                .map(bytes -> {
                    byte[] b = new byte[bytes.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = bytes.get(i);
                    }
                    return b;
                });
    }

    /** An uncompressed wire name of at most 255 bytes (RFC 1035 §3.1), root included. */
    public static Arbitrary<byte[]> qname() {
        return label().list().ofMinSize(0).ofMaxSize(8).map(WirePackets::join).filter(w -> w.length <= 255);
    }

    static byte[] join(List<byte[]> labels) {
        int n = 1;
        for (byte[] l : labels) {
            n += 1 + l.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] l : labels) {
            out[pos++] = (byte) l.length;
            System.arraycopy(l, 0, out, pos, l.length);
            pos += l.length;
        }
        out[pos] = 0;
        return out;
    }

    public static Arbitrary<Query> queries() {
        Arbitrary<Integer> types = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(1, 28, 33, 12, 5, 16, 15, 2, 6, 255, 65)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535)));
        Arbitrary<Integer> classes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535)));
        Arbitrary<Integer> edns = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 65535)));
        return Combinators.combine(qname(), types, classes, Arbitraries.integers().between(0, 65535),
                        Arbitraries.of(true, false), Arbitraries.of(true, false), edns, Arbitraries.of(true, false))
                .as(Query::new);
    }

    /** A mutation of a packet: each is one thing a sender or the network gets wrong. */
    public interface Mutation {
        byte[] apply(byte[] packet);
    }

    public static Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> pos = Arbitraries.integers().between(0, 600);
        Arbitrary<Byte> value = Arbitraries.bytes();
        return Arbitraries.oneOf(
                // a byte changed anywhere
                Combinators.combine(pos, value).as((p, v) -> named("set[" + p + "]=" + v, b -> {
                    byte[] c = b.clone();
                    c[p % c.length] = v;
                    return c;
                })),
                // a tail cut off (truncated header, name or record)
                pos.map(p -> named("cut@" + p, b -> Arrays.copyOf(b, p % (b.length + 1)))),
                // bytes appended (trailing garbage)
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(extra -> named("append" + extra.length,
                        b -> concat(b, extra))),
                // a section count set to anything up to 65535
                Combinators.combine(Arbitraries.integers().between(2, 5), Arbitraries.integers().between(0, 65535))
                        .as((which, n) -> named("count" + which + "=" + n, b -> {
                            byte[] c = Arrays.copyOf(b, Math.max(b.length, 12));
                            Wire.putU16(c, which * 2, n);
                            return c;
                        })),
                // a compression pointer at p pointing to q: loops when q <= p inside the same name
                Combinators.combine(pos, Arbitraries.integers().between(0, 0x3FFF))
                        .as((p, q) -> named("ptr@" + p + "->" + q, b -> {
                            byte[] c = b.clone();
                            int at = p % Math.max(1, c.length - 1);
                            if (c.length >= 2) {
                                c[at] = (byte) (0xC0 | (q >>> 8));
                                c[at + 1] = (byte) q.intValue();
                            }
                            return c;
                        })),
                // a label length that runs past the end of the packet, or uses the reserved 0x40/0x80 types
                Combinators.combine(pos, Arbitraries.integers().between(0, 255))
                        .as((p, len) -> named("label@" + p + "=" + len, b -> {
                            byte[] c = b.clone();
                            c[Math.min(c.length - 1, 12 + p % Math.max(1, c.length - 12))] = (byte) len.intValue();
                            return c;
                        })),
                // flags: QR, opcode, TC, Z, rcode set by a confused client
                Arbitraries.integers().between(0, 65535).map(f -> named("flags=" + f, b -> {
                    byte[] c = Arrays.copyOf(b, Math.max(b.length, 12));
                    Wire.putU16(c, 2, f);
                    return c;
                })),
                // EDNS gone wrong: a second OPT, a bad RDLENGTH, options that do not fit, OPT in the answer section
                Arbitraries.integers().between(0, 4).map(kind -> named("badOpt" + kind, b -> badOpt(b, kind))));
    }

    static Mutation named(String name, Mutation m) {
        return new Mutation() {
            @Override
            public byte[] apply(byte[] packet) {
                return packet.length == 0 ? packet : m.apply(packet);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** An OPT record: root owner, type 41, payload size, ttl (ext rcode, version, flags), rdata. */
    public static byte[] opt(int payload, byte[] rdata, int rdlength) {
        byte[] r = new byte[11 + rdata.length];
        r[0] = 0;
        Wire.putU16(r, 1, Wire.TYPE_OPT);
        Wire.putU16(r, 3, payload);
        Wire.putU16(r, 9, rdlength);
        System.arraycopy(rdata, 0, r, 11, rdata.length);
        return r;
    }

    /**
     * Appends a broken OPT to a query: 0 a second OPT, 1 an RDLENGTH past the end, 2 an option whose length
     * overruns the RDATA, 3 an OPT counted in the answer section, 4 an OPT whose owner is not the root.
     */
    public static byte[] badOpt(byte[] query, int kind) {
        if (query.length < 12) {
            return query;
        }
        byte[] c;
        switch (kind) {
            case 0 -> {
                c = concat(concat(query, opt(1232, new byte[0], 0)), opt(4096, new byte[0], 0));
                Wire.putU16(c, 10, Wire.arcount(query) + 2);
            }
            case 1 -> {
                c = concat(query, opt(1232, new byte[] {0, 10, 0, 2}, 40));
                Wire.putU16(c, 10, Wire.arcount(query) + 1);
            }
            case 2 -> {
                // option code 10 (COOKIE) claiming 200 bytes inside a 4-byte RDATA
                c = concat(query, opt(1232, new byte[] {0, 10, 0, (byte) 200}, 4));
                Wire.putU16(c, 10, Wire.arcount(query) + 1);
            }
            case 3 -> {
                // the OPT moved before the additional section: counted as an answer
                c = concat(query, opt(1232, new byte[0], 0));
                Wire.putU16(c, 6, Wire.ancount(query) + 1);
                Wire.putU16(c, 10, 0);
                if (Wire.arcount(query) > 0) {
                    return query;
                }
            }
            default -> {
                byte[] owned = concat(new byte[] {1, 'x'}, opt(1232, new byte[0], 0));
                c = concat(query, owned);
                Wire.putU16(c, 10, Wire.arcount(query) + 1);
            }
        }
        return c;
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Applies mutations in order. */
    public static byte[] mutate(byte[] packet, List<Mutation> ms) {
        byte[] b = packet;
        for (Mutation m : ms) {
            b = m.apply(b);
        }
        return b;
    }
}
