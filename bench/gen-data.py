#!/usr/bin/env python3
"""Generate the benchmark zones and dnsperf query files (deterministic, seed 42).

Outputs (relative to this script's folder):
  zones/cluster.local.zone  600 svc A records (TTL 30), SOA minimum 5
  zones/ext.test.zone       'external' names (TTL 300), SOA minimum 60
  queries/hot.txt           (a) 1000 distinct existing names, type A
  queries/ndots.txt         (b) Kubernetes ndots:5 search expansion, A and AAAA
  queries/mix.txt           (c) mix, see README.md
  queries/fill.txt          (d) 12000 distinct names under the wildcard *.fill.ext.test, type A:
                            fills a cache with more than 10 k entries (for RSS with a full cache)
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rnd = random.Random(42)

NAMESPACES = 20          # ns-0 .. ns-19
SVCS_PER_NS = 30         # svc-0 .. svc-29     -> 600 cluster names
BRANDS = ["example", "google", "github", "amazonaws", "cloudflare", "microsoft",
          "apple", "docker", "gitlab", "npmjs", "pypi", "maven", "slack", "stripe",
          "twilio", "datadog", "sentry", "fastly", "akamai", "openai"]
SITES = BRANDS + ["site-%d" % i for i in range(200)]   # 220 external 'domains'
FILL = 12000             # distinct names in queries/fill.txt
SEARCH = ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"]


def write(path, lines):
    full = os.path.join(HERE, path)
    with open(full, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %-26s %6d lines" % (path, len(lines)))


def cluster_zone():
    z = ["$ORIGIN cluster.local.", "$TTL 30",
         "@ IN SOA ns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5",
         "@ IN NS ns.cluster.local.",
         "ns IN A 127.0.0.1",
         "kubernetes.default.svc IN A 10.96.0.1",
         "kube-dns.kube-system.svc IN A 10.96.0.10"]
    names = []
    for m in range(NAMESPACES):
        for n in range(SVCS_PER_NS):
            z.append("svc-%d.ns-%d.svc IN A 10.96.%d.%d" % (n, m, 1 + m, 1 + n))
            names.append("svc-%d.ns-%d.svc.cluster.local" % (n, m))
    return z, names


def ext_zone():
    z = ["$ORIGIN ext.test.", "$TTL 300",
         "@ IN SOA ns.ext.test. hostmaster.ext.test. 1 7200 1800 86400 60",
         "@ IN NS ns.ext.test.",
         "ns IN A 127.0.0.1"]
    www, api = [], []
    for i, s in enumerate(SITES):
        a = "198.18.%d.%d" % (i // 250, 1 + i % 250)
        b = "198.19.%d.%d" % (i // 250, 1 + i % 250)
        z.append("%s IN A %s" % (s, a))
        z.append("www.%s IN A %s" % (s, a))
        z.append("www.%s IN AAAA 2001:db8::1:%x" % (s, i + 1))
        z.append("api.%s IN A %s" % (s, b))
        z.append("api.%s IN AAAA 2001:db8::2:%x" % (s, i + 1))
        www.append("www.%s.ext.test" % s)
        api.append("api.%s.ext.test" % s)
    # wildcard for the fill workload: every name below fill.ext.test exists (one A, TTL 300)
    z.append("*.fill IN A 198.18.250.1")
    return z, www, api


def ndots_group(name):
    """What a pod with ndots:5 and namespace 'default' sends for 'name'
    (glibc/musl: A and AAAA per search suffix; 3x NXDOMAIN then the real name)."""
    out = []
    for suffix in SEARCH:
        out.append("%s.%s A" % (name, suffix))
        out.append("%s.%s AAAA" % (name, suffix))
    out.append("%s A" % name)
    out.append("%s AAAA" % name)
    return out


def main():
    cz, cnames = cluster_zone()
    ez, www, api = ext_zone()
    write("zones/cluster.local.zone", cz)
    write("zones/ext.test.zone", ez)

    # (a) hot: 1000 distinct existing names, A
    hot = cnames + www[:200] + api[:200]
    assert len(hot) == len(set(hot)) == 1000
    rnd.shuffle(hot)
    write("queries/hot.txt", ["%s A" % n for n in hot])

    # (b) ndots: 200 external names x 8 queries (6 NXDOMAIN + A + AAAA)
    ext = www[:100] + api[:100]
    rnd.shuffle(ext)
    nd = []
    for n in ext:
        nd += ndots_group(n)
    write("queries/ndots.txt", nd)

    # (c) mix, built from groups so the order inside a group is kept:
    #  60% hot A hits (cluster + external FQDNs)
    #  25% ndots groups for external names (6 NXDOMAIN, A, AAAA)
    #  10% short cross-namespace service names 'svc-N.ns-M' from namespace default:
    #      svc-N.ns-M.default.svc.cluster.local A/AAAA (NXDOMAIN), then
    #      svc-N.ns-M.svc.cluster.local A (hit) / AAAA (NODATA)
    #   5% names that do not exist in ext.test (500 distinct, NXDOMAIN, neg TTL 60)
    groups = []
    all_ext = www + api
    for _ in range(6000):
        groups.append(["%s A" % rnd.choice(hot)])
    for _ in range(2500 // 8):
        groups.append(ndots_group(rnd.choice(all_ext)))
    for _ in range(1000 // 4):
        short = rnd.choice(cnames)[:-len(".svc.cluster.local")]
        groups.append(["%s.default.svc.cluster.local A" % short,
                       "%s.default.svc.cluster.local AAAA" % short,
                       "%s.svc.cluster.local A" % short,
                       "%s.svc.cluster.local AAAA" % short])
    for i in range(500):
        groups.append(["nx-%05d-%04x.ext.test A" % (i, rnd.getrandbits(16))])
    rnd.shuffle(groups)
    mix = [l for g in groups for l in g]
    write("queries/mix.txt", mix)

    # (d) fill: 12000 distinct names (wildcard answers), so the cache holds > 10 k entries;
    # no randomness here, so (a)-(c) stay exactly what the workplace kit generates
    write("queries/fill.txt", ["f-%05d.fill.ext.test A" % i for i in range(FILL)])


if __name__ == "__main__":
    main()
