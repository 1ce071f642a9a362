/*
 * The floor: the least work a UDP DNS server on this machine can do per query, to print nodecache's CPU per
 * query against. At start it asks the upstream once for every (name, type) of the query files it is given and
 * keeps the answers' bytes in a table; then it serves from that table only: recvmmsg a batch, find each
 * question (case-insensitive), copy the stored answer with the query's ID, sendmmsg the batch. No TTLs, no
 * EDNS, no upstream at run time: a question not in the table is answered REFUSED (and counted on exit).
 *
 *   responder PORT UPSTREAM_PORT QUERYFILE...      (both on 127.0.0.1; stops on SIGTERM/SIGINT)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BATCH 64          /* datagrams per recvmmsg, as a busy nodecache thread reads */
#define SLOTS 65536       /* open addressing, power of two, > 4 x the largest query file */
#define MAXQ 512
#define MAXA 1232

struct entry { uint16_t keylen, anslen; uint8_t *key; };   /* key bytes, then the answer's */
static struct entry *table;
static volatile sig_atomic_t stop;
static unsigned long served, refused;

/* the question's wire bytes from offset 12 (name lowercased, type, class); 0 if malformed */
static int question_key(const uint8_t *p, int n, uint8_t *key) {
    int i = 12, k = 0;
    while (i < n && p[i] != 0) {
        int len = p[i];
        if (len > 63 || i + 1 + len >= n || k + 1 + len >= MAXQ - 5) return 0;
        key[k++] = (uint8_t) len;
        for (int j = 1; j <= len; j++) key[k++] = (uint8_t) tolower(p[i + j]);
        i += 1 + len;
    }
    if (i + 5 > n) return 0;
    key[k++] = 0;
    memcpy(key + k, p + i + 1, 4);
    return k + 4;
}

static uint32_t hash(const uint8_t *key, int len) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < len; i++) h = (h ^ key[i]) * 16777619u;
    return h;
}

static struct entry *slot_for(const uint8_t *key, int len) {
    for (uint32_t s = hash(key, len) & (SLOTS - 1);; s = (s + 1) & (SLOTS - 1)) {
        struct entry *e = &table[s];
        if (e->keylen == 0 || (e->keylen == len && memcmp(e->key, key, (size_t) len) == 0)) return e;
    }
}

/* asks the upstream for NAME TYPE and stores the answer; returns 0 on success */
static int precompute(int up, const char *name, const char *type, uint16_t id) {
    uint8_t q[MAXQ], a[MAXA], key[MAXQ];
    int n = 12;
    memset(q, 0, 12);
    q[0] = id >> 8; q[1] = id & 0xff; q[2] = 0x01; q[5] = 1;   /* RD, one question */
    for (const char *s = name; *s;) {
        const char *dot = strchr(s, '.');
        int len = dot ? (int) (dot - s) : (int) strlen(s);
        if (len == 0) break;
        if (len > 63 || n + len + 6 > MAXQ) return -1;
        q[n++] = (uint8_t) len; memcpy(q + n, s, len); n += len;
        s += len + (dot ? 1 : 0);
    }
    q[n++] = 0;
    uint16_t qtype = strcmp(type, "AAAA") == 0 ? 28 : strcmp(type, "A") == 0 ? 1 : (uint16_t) atoi(type);
    q[n++] = qtype >> 8; q[n++] = qtype & 0xff; q[n++] = 0; q[n++] = 1;
    int klen = question_key(q, n, key);
    struct entry *e = slot_for(key, klen);
    if (e->keylen) return 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (send(up, q, n, 0) != n) return -1;
        int got = (int) recv(up, a, sizeof a, 0);
        if (got >= 12 && a[0] == q[0] && a[1] == q[1]) {
            e->key = malloc((size_t) (klen + got));
            memcpy(e->key, key, klen); memcpy(e->key + klen, a, got);
            e->keylen = (uint16_t) klen; e->anslen = (uint16_t) got;
            return 0;
        }
    }
    return -1;
}

static void on_signal(int sig) { (void) sig; stop = 1; }

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s PORT UPSTREAM_PORT QUERYFILE...\n", argv[0]); return 2; }
    table = calloc(SLOTS, sizeof *table);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

    int up = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = { .tv_sec = 1 };
    setsockopt(up, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    addr.sin_port = htons((uint16_t) atoi(argv[2]));
    if (connect(up, (struct sockaddr *) &addr, sizeof addr) != 0) { perror("connect upstream"); return 1; }
    int stored = 0, failed = 0;
    for (int f = 3; f < argc; f++) {
        FILE *in = fopen(argv[f], "r");
        if (!in) { perror(argv[f]); return 1; }
        char name[300], type[16];
        while (fscanf(in, "%299s %15s", name, type) == 2) {
            if (precompute(up, name, type, (uint16_t) (stored + failed)) == 0) stored++; else failed++;
        }
        fclose(in);
    }
    close(up);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    addr.sin_port = htons((uint16_t) atoi(argv[1]));
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) != 0) { perror("bind"); return 1; }
    fprintf(stderr, "floor responder on 127.0.0.1:%s: %d answers precomputed, %d failed\n", argv[1], stored, failed);

    struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART: recvmmsg returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    static uint8_t in[BATCH][MAXQ], out[BATCH][MAXA];
    static struct sockaddr_in peers[BATCH];
    static struct iovec iin[BATCH], iout[BATCH];
    static struct mmsghdr rmsg[BATCH], smsg[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iin[i] = (struct iovec) { in[i], MAXQ };
        rmsg[i].msg_hdr = (struct msghdr) { .msg_name = &peers[i], .msg_iov = &iin[i], .msg_iovlen = 1 };
    }
    uint8_t key[MAXQ];
    while (!stop) {
        for (int i = 0; i < BATCH; i++) rmsg[i].msg_hdr.msg_namelen = sizeof peers[i];
        int got = recvmmsg(fd, rmsg, BATCH, MSG_WAITFORONE, NULL);
        if (got < 0) { if (errno == EINTR) continue; perror("recvmmsg"); return 1; }
        int n = 0;
        for (int i = 0; i < got; i++) {
            int len = (int) rmsg[i].msg_len, alen;
            int klen = len >= 12 ? question_key(in[i], len, key) : 0;
            struct entry *e = klen ? slot_for(key, klen) : NULL;
            if (e && e->keylen) {
                memcpy(out[n], e->key + e->keylen, e->anslen);
                alen = e->anslen;
                served++;
            } else if (len >= 12) {
                memcpy(out[n], in[i], len > MAXA ? MAXA : len);
                out[n][2] |= 0x80; out[n][3] = (out[n][3] & 0xf0) | 5;   /* QR, REFUSED */
                alen = len > MAXA ? MAXA : len;
                refused++;
            } else {
                continue;
            }
            out[n][0] = in[i][0]; out[n][1] = in[i][1];
            iout[n] = (struct iovec) { out[n], (size_t) alen };
            smsg[n].msg_hdr = (struct msghdr) { .msg_name = &peers[i], .msg_namelen = rmsg[i].msg_hdr.msg_namelen,
                                                .msg_iov = &iout[n], .msg_iovlen = 1 };
            n++;
        }
        for (int sent = 0; sent < n;) {
            int r = sendmmsg(fd, smsg + sent, n - sent, 0);
            if (r < 0) { if (errno == EINTR) continue; break; }
            sent += r;
        }
    }
    fprintf(stderr, "floor responder: %lu answered from the table, %lu refused\n", served, refused);
    return 0;
}
