/*
 * LD_PRELOAD shim for pcscd: sets TCP_NODELAY on every socket that accept()/accept4()/connect()
 * return or establish. Debian 12's vpcd writes each frame with two send() calls and never sets
 * TCP_NODELAY, so Nagle plus delayed ACK adds ~40 ms to every APDU. Errors from setsockopt are
 * ignored (Unix sockets reject the option) and errno is preserved for the caller.
 *
 * Build: gcc -shared -fPIC -O2 -o libnodelay.so nodelay.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static void nodelay(int fd) {
    int saved = errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    errno = saved;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    static int (*real)(int, struct sockaddr *, socklen_t *);
    if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
    int c = real(fd, addr, len);
    if (c >= 0) nodelay(c);
    return c;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    static int (*real)(int, struct sockaddr *, socklen_t *, int);
    if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
    int c = real(fd, addr, len, flags);
    if (c >= 0) nodelay(c);
    return c;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    static int (*real)(int, const struct sockaddr *, socklen_t);
    if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    int r = real(fd, addr, len);
    /* EINPROGRESS: the socket exists and the option applies once connected. */
    if (r == 0 || errno == EINPROGRESS) nodelay(fd);
    return r;
}
