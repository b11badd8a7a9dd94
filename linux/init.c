/* Reprise's Linux test init: a tiny static /init that mounts what it needs
 * and runs test scenarios as commands, first those given on the kernel
 * command line after "--" (separated by ";"), then those typed at its prompt.
 * Each command prints one recognisable result line so tests can check what
 * the guest computed. Built by scripts/build-linux.sh. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORDS 16
#define MNT "/mnt"

static int failures;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("init: error: ", stdout);
    vprintf(fmt, ap);
    if (errno)
        printf(" (%s)", strerror(errno));
    putchar('\n');
    va_end(ap);
    failures++;
}

static void do_poweroff(void)
{
    sync();
    printf("init: powering off (%d failures)\n", failures);
    fflush(stdout);
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

static void hexdump(const char *what, const unsigned char *buf, size_t n)
{
    printf("%s %zu:", what, n);
    for (size_t i = 0; i < n; i++)
        printf("%02x", buf[i]);
    putchar('\n');
}

static size_t count_arg(char **w, int n, size_t def, size_t max)
{
    size_t v = n > 1 ? strtoul(w[1], NULL, 0) : def;
    return v > max ? max : v;
}

static void cmd_rng(char **w, int n)
{
    unsigned char buf[256];
    size_t want = count_arg(w, n, 16, sizeof buf), got = 0;
    int fd = open("/dev/hwrng", O_RDONLY);
    if (fd < 0) {
        fail("open /dev/hwrng");
        return;
    }
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r <= 0) {
            fail("read /dev/hwrng");
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    hexdump("rng", buf, got);
}

static void cmd_getrandom(char **w, int n)
{
    unsigned char buf[256];
    size_t want = count_arg(w, n, 16, sizeof buf);
    ssize_t r = getrandom(buf, want, 0);
    if (r < 0)
        fail("getrandom");
    else
        hexdump("getrandom", buf, (size_t)r);
}

static void cmd_sleep(char **w, int n)
{
    double s = n > 1 ? strtod(w[1], NULL) : 1.0;
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("slept %s s: %s\n", n > 1 ? w[1] : "1", took + 1e-3 >= s ? "ok" : "too short");
}

static void cmd_mount(void)
{
    if (mount("/dev/vda", MNT, "ext2", 0, NULL) < 0)
        fail("mount /dev/vda on " MNT);
    else
        printf("mounted /dev/vda on " MNT "\n");
}

static void cmd_umount(void)
{
    sync();
    if (umount(MNT) < 0)
        fail("umount " MNT);
    else
        printf("unmounted " MNT "\n");
}

static int mnt_path(char *buf, size_t size, const char *name)
{
    if (strchr(name, '/') || strlen(name) + sizeof MNT + 1 > size) {
        errno = 0;
        fail("bad file name %s", name);
        return -1;
    }
    snprintf(buf, size, MNT "/%s", name);
    return 0;
}

/* write FILE WORDS...: the words, space-separated, then a newline. */
static void cmd_write(char **w, int n)
{
    char path[128];
    if (n < 2 || mnt_path(path, sizeof path, w[1]) < 0)
        return;
    FILE *f = fopen(path, "w");
    if (!f) {
        fail("create %s", path);
        return;
    }
    for (int i = 2; i < n; i++)
        fprintf(f, "%s%s", w[i], i + 1 < n ? " " : "");
    fputc('\n', f);
    if (fflush(f) || fsync(fileno(f)) || fclose(f))
        fail("write %s", path);
    else
        printf("wrote %s\n", path);
}

static void cmd_cat(char **w, int n)
{
    char path[128], line[256];
    if (n < 2 || mnt_path(path, sizeof path, w[1]) < 0)
        return;
    FILE *f = fopen(path, "r");
    if (!f) {
        fail("open %s", path);
        return;
    }
    while (fgets(line, sizeof line, f))
        printf("%s: %s", w[1], line);
    fclose(f);
}

/* Static addressing as user-mode networking hands out: 10.0.2.15/24, the
 * gateway at 10.0.2.2. */
static int set_addr(int s, unsigned long req, const char *ip)
{
    struct ifreq ifr;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "eth0");
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, ip, &sin->sin_addr);
    return ioctl(s, req, &ifr);
}

static void cmd_netup(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    struct rtentry rt;
    if (s < 0) {
        fail("socket");
        return;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    if (set_addr(s, SIOCSIFADDR, "10.0.2.15") < 0 ||
        set_addr(s, SIOCSIFNETMASK, "255.255.255.0") < 0) {
        fail("configure eth0");
        close(s);
        return;
    }
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "eth0");
    ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        fail("bring eth0 up");
        close(s);
        return;
    }
    memset(&rt, 0, sizeof rt);
    struct sockaddr_in *gw = (struct sockaddr_in *)&rt.rt_gateway;
    gw->sin_family = AF_INET;
    inet_pton(AF_INET, "10.0.2.2", &gw->sin_addr);
    ((struct sockaddr_in *)&rt.rt_dst)->sin_family = AF_INET;
    ((struct sockaddr_in *)&rt.rt_genmask)->sin_family = AF_INET;
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST)
        fail("add default route");
    else
        printf("eth0 up: 10.0.2.15/24 via 10.0.2.2\n");
    close(s);
}

static ssize_t read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = read(fd, buf + n, 1);
        if (r <= 0)
            break;
        if (buf[n] == '\n')
            break;
        if (buf[n] != '\r')
            n++;
    }
    buf[n] = 0;
    return (ssize_t)n;
}

/* serve PORT: accept one TCP connection, answer one line with its echo. */
static void cmd_serve(char **w, int n)
{
    int port = n > 1 ? atoi(w[1]) : 7000, one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    char line[256], reply[300];
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        fail("socket");
        return;
    }
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0) {
        fail("listen on port %d", port);
        close(s);
        return;
    }
    printf("listening on port %d\n", port);
    fflush(stdout);
    int c = accept(s, NULL, NULL);
    if (c < 0) {
        fail("accept");
        close(s);
        return;
    }
    read_line(c, line, sizeof line);
    printf("received: %s\n", line);
    int len = snprintf(reply, sizeof reply, "guest echoes: %s\n", line);
    if (write(c, reply, (size_t)len) != len)
        fail("send reply");
    close(c);
    close(s);
}

/* fetch IP PORT WORD: connect, send WORD and a newline, print the reply. */
static void cmd_fetch(char **w, int n)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    char line[256], msg[128];
    if (n < 4) {
        errno = 0;
        fail("usage: fetch IP PORT WORD");
        return;
    }
    a.sin_port = htons((uint16_t)atoi(w[2]));
    inet_pton(AF_INET, w[1], &a.sin_addr);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        fail("connect to %s:%s", w[1], w[2]);
        if (s >= 0)
            close(s);
        return;
    }
    int len = snprintf(msg, sizeof msg, "%s\n", w[3]);
    if (write(s, msg, (size_t)len) != len)
        fail("send");
    read_line(s, line, sizeof line);
    printf("reply: %s\n", line);
    close(s);
}

/* A user process that dereferences a bad pointer: the kernel kills it with
 * SIGSEGV. With a percentage, it crashes only when a byte from the virtio
 * entropy device falls below it: a crash that happens in some runs only. */
static void cmd_segv(char **w, int n)
{
    int pct = n > 1 ? atoi(w[1]) : 100;
    unsigned char b = 0;
    if (pct < 100) {
        int fd = open("/dev/hwrng", O_RDONLY);
        if (fd < 0 || read(fd, &b, 1) != 1) {
            fail("read /dev/hwrng");
            if (fd >= 0)
                close(fd);
            return;
        }
        close(fd);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fail("fork");
        return;
    }
    if (pid == 0) {
        if ((int)b * 100 < pct * 256) {
            volatile uintptr_t bad = 0x10;
            *(volatile int *)bad = 42;
        }
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("child %d killed by signal %d\n", (int)pid, WTERMSIG(st));
    else
        printf("child %d exited with %d\n", (int)pid, WEXITSTATUS(st));
}

static void cmd_oops(void)
{
    int fd = open("/proc/sysrq-trigger", O_WRONLY);
    fflush(stdout);
    if (fd < 0 || write(fd, "c", 1) != 1)
        fail("trigger a kernel crash");
    if (fd >= 0)
        close(fd);
}

static void cmd_info(void)
{
    char buf[128];
    FILE *f = fopen("/proc/uptime", "r");
    if (f && fgets(buf, sizeof buf, f))
        printf("uptime: %s", buf);
    if (f)
        fclose(f);
    printf("cpus online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    printf("date: %s UTC\n", buf);
}

static void help(void)
{
    puts("commands: echo WORDS | sleep S | rng N | getrandom N | info\n"
         "          mount | write FILE WORDS | cat FILE | umount\n"
         "          netup | serve PORT | fetch IP PORT WORD\n"
         "          segv [PERCENT] | oops | poweroff | help");
}

static void run(char *line)
{
    char *w[MAX_WORDS];
    int n = 0;
    for (char *t = strtok(line, " \t\r\n"); t && n < MAX_WORDS; t = strtok(NULL, " \t\r\n"))
        w[n++] = t;
    if (n == 0)
        return;
    errno = 0;
    if (!strcmp(w[0], "echo")) {
        for (int i = 1; i < n; i++)
            printf("%s%s", w[i], i + 1 < n ? " " : "");
        putchar('\n');
    } else if (!strcmp(w[0], "sleep")) {
        cmd_sleep(w, n);
    } else if (!strcmp(w[0], "rng")) {
        cmd_rng(w, n);
    } else if (!strcmp(w[0], "getrandom")) {
        cmd_getrandom(w, n);
    } else if (!strcmp(w[0], "info")) {
        cmd_info();
    } else if (!strcmp(w[0], "mount")) {
        cmd_mount();
    } else if (!strcmp(w[0], "umount")) {
        cmd_umount();
    } else if (!strcmp(w[0], "write")) {
        cmd_write(w, n);
    } else if (!strcmp(w[0], "cat")) {
        cmd_cat(w, n);
    } else if (!strcmp(w[0], "netup")) {
        cmd_netup();
    } else if (!strcmp(w[0], "serve")) {
        cmd_serve(w, n);
    } else if (!strcmp(w[0], "fetch")) {
        cmd_fetch(w, n);
    } else if (!strcmp(w[0], "segv")) {
        cmd_segv(w, n);
    } else if (!strcmp(w[0], "oops")) {
        cmd_oops();
    } else if (!strcmp(w[0], "poweroff")) {
        do_poweroff();
    } else if (!strcmp(w[0], "help")) {
        help();
    } else {
        printf("init: unknown command '%s' (try help)\n", w[0]);
    }
    fflush(stdout);
}

static void setup(void)
{
    mkdir("/dev", 0755);
    mkdir("/proc", 0755);
    mkdir("/sys", 0755);
    mkdir(MNT, 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0 && errno != EBUSY)
        fail("mount /dev");
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        fail("mount /proc");
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
        fail("mount /sys");
    int fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGCHLD, SIG_DFL);
}

int main(int argc, char **argv)
{
    char line[512];
    size_t len = 0;

    if (getpid() != 1) {
        fprintf(stderr, "this is the test init of a Linux guest; it runs as pid 1\n");
        return 2;
    }
    setup();
    printf("reprise-init: ready\n");

    /* Commands from the kernel command line: words after "--", ";" between
     * commands. */
    line[0] = 0;
    for (int i = 1; i <= argc; i++) {
        if (i == argc || !strcmp(argv[i], ";")) {
            run(line);
            len = 0;
            line[0] = 0;
        } else if (len + strlen(argv[i]) + 2 < sizeof line) {
            len += (size_t)snprintf(line + len, sizeof line - len, "%s ", argv[i]);
        }
    }

    for (;;) {
        fputs("# ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) {
            sleep(1);
            clearerr(stdin);
            continue;
        }
        run(line);
    }
}
