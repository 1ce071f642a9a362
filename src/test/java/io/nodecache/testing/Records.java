package io.nodecache.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

import io.nodecache.dns.authority.ZoneAnswerer;

/** Small conversions from the strings tests write to dnsjava values. */
final class Records {

    private Records() {
    }

    static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name: " + name, e);
        }
    }

    static Record parse(String name, int type, long ttl, String rdata) {
        try {
            return Record.fromString(name(name), type, DClass.IN, ttl, rdata, Name.root);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad " + Type.string(type) + " rdata for " + name + ": " + rdata, e);
        }
    }

    /** The top-level domain above {@code name} ({@code a.b.example.} gives {@code example.}). */
    static Name topLevel(Name name) {
        return name.labels() <= 2 ? name : new Name(name, name.labels() - 2);
    }

    static Name spoofed(Name name) {
        try {
            return Name.fromString(TestUpstream.SPOOF_LABEL, name);
        } catch (TextParseException e) {
            // Only when spoof.<qname> would exceed 255 octets: any other name is as good a lie.
            return name(TestUpstream.SPOOF_LABEL + ".invalid.");
        }
    }

    /** A zone at {@code origin} with an SOA, an NS and {@code records}. */
    static Zone zone(Name origin, long soaTtl, long minimum, List<Record> records) {
        try {
            Name ns = Name.fromString("ns", origin);
            Name admin = Name.fromString("hostmaster", origin);
            List<Record> all = new ArrayList<>();
            all.add(new SOARecord(origin, DClass.IN, soaTtl, ns, admin, 1, 7200, 1800, 86400, minimum));
            all.add(new NSRecord(origin, DClass.IN, soaTtl, ns));
            all.addAll(records);
            return new Zone(origin, all.toArray(new Record[0]));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot build zone " + origin, e);
        }
    }

    /** A response to {@code query} with only the question (and OPT when the query had one) and {@code rcode}. */
    static Message empty(Message query, int rcode) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        for (Record question : query.getSection(Section.QUESTION)) {
            response.addRecord(question, Section.QUESTION);
        }
        response.getHeader().setRcode(rcode);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(ZoneAnswerer.EDNS_PAYLOAD, 0, 0, opt.getFlags()), Section.ADDITIONAL);
        }
        return response;
    }
}
