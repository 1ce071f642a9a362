package io.nodecache.dns.server;

import io.nodecache.dns.wire.Wire;
import io.nodecache.dns.wire.WirePackets;
import java.util.Arrays;
import java.util.Random;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Seeded generator of the packets the fuzz run sends: each {@link Kind} is one way a packet goes bad, made from a
 * valid query dnsjava wrote (names under the node's zone, under no zone, or random), or plain random bytes.
 */
final class BadPackets {

    /** How a packet is broken. The TCP-only kinds are about framing, not the message. */
    enum Kind {
        RANDOM_BYTES, TRUNCATED_HEADER, TRUNCATED_QUESTION, POINTER_LOOP, LABEL_OVERRUN, HUGE_COUNT, BAD_EDNS,
        QDCOUNT_0_OR_2, OPCODE, QR_SET, BYTE_FLIPS, TRAILING_GARBAGE,
        // TCP framing only
        ZERO_LENGTH_FRAME, LENGTH_BEYOND_DATA, HALF_LENGTH_PREFIX;

        boolean tcpOnly() {
            return ordinal() >= ZERO_LENGTH_FRAME.ordinal();
        }
    }

    private static final Kind[] MESSAGE_KINDS = Arrays.stream(Kind.values()).filter(k -> !k.tcpOnly())
            .toArray(Kind[]::new);
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.MX, Type.ANY, 65};

    private final Random random;
    private final String zone;

    BadPackets(long seed, String zone) {
        this.random = new Random(seed);
        this.zone = zone;
    }

    Kind nextKind(boolean tcp) {
        if (tcp && random.nextInt(10) == 0) {
            return Kind.values()[Kind.ZERO_LENGTH_FRAME.ordinal() + random.nextInt(3)];
        }
        return MESSAGE_KINDS[random.nextInt(MESSAGE_KINDS.length)];
    }

    /** The message bytes for {@code kind} (for the framing kinds: the message the frame pretends to carry). */
    byte[] next(Kind kind) {
        boolean edns = random.nextBoolean();
        byte[] q = validQuery(kind == Kind.BAD_EDNS ? false : edns);
        int questionEnd = q.length - (edns && kind != Kind.BAD_EDNS ? 11 : 0);
        byte[] c = q.clone();
        switch (kind) {
            case RANDOM_BYTES -> {
                c = new byte[random.nextInt(513)];
                random.nextBytes(c);
            }
            case TRUNCATED_HEADER -> c = Arrays.copyOf(q, random.nextInt(12));
            case TRUNCATED_QUESTION -> c = Arrays.copyOf(q, 12 + random.nextInt(questionEnd - 12));
            case POINTER_LOOP -> {
                // The question name replaced by a pointer: to itself (offset 12), into the header, or anywhere.
                int target = switch (random.nextInt(3)) {
                    case 0 -> 12;
                    case 1 -> random.nextInt(12);
                    default -> random.nextInt(0x4000);
                };
                int nameEnd = nameEnd(q, 12);
                c = WirePackets.concat(Arrays.copyOf(q, 12), WirePackets.concat(
                        new byte[] {(byte) (0xC0 | target >>> 8), (byte) target}, Arrays.copyOfRange(q, nameEnd,
                                q.length)));
            }
            case LABEL_OVERRUN -> {
                switch (random.nextInt(3)) {
                    case 0 -> c[12] = (byte) (q.length - 12 + random.nextInt(64)); // past the end
                    case 1 -> c[12] = (byte) (0x40 | random.nextInt(0x80)); // reserved label types 0x40, 0x80
                    default -> { // a name of more than 255 bytes
                        byte[] longName = new byte[5 * 64 + 1];
                        for (int i = 0; i < 5; i++) {
                            longName[i * 64] = 63;
                            Arrays.fill(longName, i * 64 + 1, i * 64 + 64, (byte) 'a');
                        }
                        c = WirePackets.concat(Arrays.copyOf(q, 12), WirePackets.concat(longName, new byte[] {0, 1,
                                0, 1}));
                    }
                }
            }
            case HUGE_COUNT -> Wire.putU16(c, 4 + 2 * random.nextInt(4), 0xFFFF - random.nextInt(16));
            case BAD_EDNS -> c = WirePackets.badOpt(q, random.nextInt(5));
            case QDCOUNT_0_OR_2 -> Wire.putU16(c, 4, random.nextBoolean() ? 0 : 2);
            case OPCODE -> Wire.putU16(c, 2, (Wire.flags(c) & ~0x7800) | (1 + random.nextInt(15)) << 11);
            case QR_SET -> Wire.putU16(c, 2, Wire.flags(c) | Wire.FLAG_QR);
            case BYTE_FLIPS -> {
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    c[random.nextInt(c.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case TRAILING_GARBAGE -> {
                byte[] tail = new byte[1 + random.nextInt(64)];
                random.nextBytes(tail);
                c = WirePackets.concat(q, tail);
            }
            case ZERO_LENGTH_FRAME -> c = new byte[0];
            case LENGTH_BEYOND_DATA, HALF_LENGTH_PREFIX -> {
                // the message is sent short by the framing code
            }
        }
        return c;
    }

    /** A valid query dnsjava wrote: under the node's zone, under no zone it serves, or with random labels. */
    byte[] validQuery(boolean edns) {
        try {
            Name name = switch (random.nextInt(3)) {
                case 0 -> Name.fromString("n" + random.nextInt(1000) + "." + zone);
                case 1 -> Name.fromString("n" + random.nextInt(1000) + ".elsewhere.example.");
                default -> randomName();
            };
            Message m = Message.newQuery(Record.newRecord(name, TYPES[random.nextInt(TYPES.length)], DClass.IN));
            m.getHeader().setID(random.nextInt(65536));
            if (random.nextBoolean()) {
                m.getHeader().setFlag(Flags.CD);
            }
            if (edns) {
                m.addRecord(new OPTRecord(512 + random.nextInt(4000), 0, 0, random.nextBoolean() ? Flags.DO : 0),
                        Section.ADDITIONAL);
            }
            return m.toWire();
        } catch (TextParseException e) {
            throw new AssertionError(e);
        }
    }

    private Name randomName() throws TextParseException {
        int labels = 1 + random.nextInt(4);
        byte[] wire = new byte[labels * 11 + 1];
        int pos = 0;
        for (int i = 0; i < labels; i++) {
            wire[pos++] = 10;
            for (int j = 0; j < 10; j++) {
                wire[pos++] = (byte) random.nextInt(256);
            }
        }
        try {
            return new Name(new org.xbill.DNS.DNSInput(wire));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    Random random() {
        return random;
    }

    private static int nameEnd(byte[] b, int off) {
        while ((b[off] & 0xFF) != 0) {
            off += 1 + (b[off] & 0xFF);
        }
        return off + 1;
    }
}
