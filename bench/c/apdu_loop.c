/*
 * The C floor of the APDU round trip: the same loop the reader service runs, written directly
 * against libpcsclite. Connects exclusively to a reader, sends one APDU N times (after a
 * warm-up) and prints the median round trip in microseconds as "MEDIAN_US <value>".
 *
 * Build: gcc -O2 -o apdu_loop apdu_loop.c $(pkg-config --cflags --libs libpcsclite)
 * Usage: apdu_loop "<reader name>" <count> <apdu hex>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int unhex(const char *s, BYTE *out, int max) {
    int n = 0;
    while (s[0] && s[1] && n < max) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) return -1;
        out[n++] = (BYTE)v;
        s += 2;
    }
    return n;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s <reader> <count> <apdu hex>\n", argv[0]);
        return 2;
    }
    const char *reader = argv[1];
    int count = atoi(argv[2]);
    BYTE apdu[300];
    int alen = unhex(argv[3], apdu, sizeof apdu);
    if (alen < 4 || count < 1) return 2;

    SCARDCONTEXT ctx;
    SCARDHANDLE card;
    DWORD proto;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv != SCARD_S_SUCCESS) { fprintf(stderr, "SCardEstablishContext: %s\n", pcsc_stringify_error(rv)); return 1; }
    rv = SCardConnect(ctx, reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto);
    if (rv != SCARD_S_SUCCESS) { fprintf(stderr, "SCardConnect: %s\n", pcsc_stringify_error(rv)); return 1; }
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;

    double *t = malloc(sizeof(double) * count);
    BYTE resp[258];
    for (int i = -count / 10; i < count; i++) {
        struct timespec a, b;
        DWORD rlen = sizeof resp;
        clock_gettime(CLOCK_MONOTONIC, &a);
        rv = SCardTransmit(card, pci, apdu, alen, NULL, resp, &rlen);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (rv != SCARD_S_SUCCESS || rlen < 2) { fprintf(stderr, "SCardTransmit: %s\n", pcsc_stringify_error(rv)); return 1; }
        if (i >= 0) t[i] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
    qsort(t, count, sizeof(double), cmp);
    double median = count % 2 ? t[count / 2] : (t[count / 2 - 1] + t[count / 2]) / 2;
    printf("MEDIAN_US %.2f\n", median);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    free(t);
    return 0;
}
