/* conwatch: the console probe behind the boot and session benchmarks. It runs
 * one command with its console on pipes, notes the moment given strings first
 * appear in the output, types lines after successive prompts, and kills the
 * command when told. Host program; knows nothing about any emulator. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ITEMS 32
#define WINDOW 256   /* longest mark or prompt we can match, in bytes */

static const char usage[] =
    "usage: conwatch [-t SECS] [-o FILE] [-m MARK]... [-k] [-p PROMPT]\n"
    "                [-l LINE]... [-c MS] [-g SECS] -- COMMAND [ARG...]\n"
    "  -t SECS    give up after SECS in all, killing COMMAND (default 60)\n"
    "  -o FILE    keep a copy of COMMAND's console output in FILE\n"
    "  -m MARK    print the time MARK first appears on the console\n"
    "  -k         kill COMMAND once every MARK has appeared\n"
    "  -p PROMPT  what to wait for before each line (default '=> ')\n"
    "  -l LINE    type LINE and a carriage return after the next prompt\n"
    "  -c MS      pause MS milliseconds between typed characters\n"
    "             (default: each line in one write, as a paste)\n"
    "  -g SECS    give up if a prompt takes longer than SECS (default: -t)\n"
    "Prints 'mark I SECONDS', 'prompt I SECONDS', 'typed I SECONDS' and\n"
    "finally 'exit STATUS SECONDS', 'killed SECONDS' or 'timeout WHAT SECONDS'\n"
    "on stdout, times counted from just before COMMAND starts. Exit status:\n"
    "0 as planned, 1 COMMAND ended early, 2 usage or system error, 3 timeout.\n";

static double t_start;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double since(void) { return now() - t_start; }

static void pause_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Occurrences of pat in buf that end after byte `fresh` (earlier ones were
 * counted on a previous call). */
static int count_new(const char *buf, size_t len, size_t fresh, const char *pat)
{
    size_t pl = strlen(pat);
    int n = 0;
    for (size_t i = 0; pl && i + pl <= len; i++)
        if (i + pl > fresh && memcmp(buf + i, pat, pl) == 0)
            n++;
    return n;
}

/* Stops the child: SIGTERM, then SIGKILL if it is still there after 3 s.
 * Returns its wait status. */
static int stop_child(pid_t pid)
{
    int st = 0;
    kill(pid, SIGTERM);
    for (int i = 0; i < 300; i++) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return st;
        pause_ms(10);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

static int exit_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return 255;
}

/* Writes all of buf, one character every ms milliseconds if ms > 0.
 * Returns false if the child has closed its console. */
static bool type_text(int fd, const char *buf, size_t len, long ms)
{
    size_t step = ms > 0 ? 1 : len;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < step ? len - off : step;
        ssize_t w = write(fd, buf + off, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += (size_t)w;
        if (ms > 0 && off < len)
            pause_ms(ms);
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *marks[MAX_ITEMS], *lines[MAX_ITEMS];
    int n_marks = 0, n_lines = 0;
    const char *prompt = "=> ", *copy = NULL;
    double limit = 60, gap = 0;
    long pace = 0;
    bool kill_when_seen = false;
    int opt;

    while ((opt = getopt(argc, argv, "+t:o:m:kp:l:c:g:")) != -1) {
        switch (opt) {
        case 't': limit = atof(optarg); break;
        case 'o': copy = optarg; break;
        case 'm':
            if (n_marks == MAX_ITEMS || strlen(optarg) >= WINDOW)
                goto bad_usage;
            marks[n_marks++] = optarg;
            break;
        case 'k': kill_when_seen = true; break;
        case 'p': prompt = optarg; break;
        case 'l':
            if (n_lines == MAX_ITEMS)
                goto bad_usage;
            lines[n_lines++] = optarg;
            break;
        case 'c': pace = atol(optarg); break;
        case 'g': gap = atof(optarg); break;
        default: goto bad_usage;
        }
    }
    if (optind >= argc || limit <= 0 || strlen(prompt) == 0 || strlen(prompt) >= WINDOW ||
        (kill_when_seen && n_marks == 0))
        goto bad_usage;
    if (gap <= 0 || gap > limit)
        gap = limit;

    FILE *out = NULL;
    if (copy && !(out = fopen(copy, "wb"))) {
        fprintf(stderr, "conwatch: cannot write %s: %s\n", copy, strerror(errno));
        return 2;
    }
    int to_child[2], from_child[2];
    if (pipe(to_child) || pipe(from_child)) {
        perror("conwatch: pipe");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);

    t_start = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("conwatch: fork");
        return 2;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        close(to_child[0]); close(to_child[1]);
        close(from_child[0]); close(from_child[1]);
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "conwatch: cannot run %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    int in_fd = to_child[1], out_fd = from_child[0];

    bool seen[MAX_ITEMS] = {false};
    int n_seen = 0, prompts = 0, typed = 0;
    char win[2 * WINDOW + 4096];
    size_t keep = 0;                 /* bytes of old output kept at win[0] */
    double last_step = 0;            /* when the last prompt or start was */
    int result = 0;

    for (;;) {
        /* Type every line whose prompt has already appeared. */
        while (typed < n_lines && typed < prompts) {
            char buf[4096];
            int len = snprintf(buf, sizeof(buf), "%s\r", lines[typed]);
            if (len < 0 || (size_t)len >= sizeof(buf))
                len = (int)sizeof(buf) - 1;
            if (!type_text(in_fd, buf, (size_t)len, pace))
                break;
            typed++;
            printf("typed %d %.3f\n", typed, since());
        }
        if (kill_when_seen && n_seen == n_marks) {
            int st = stop_child(pid);
            (void)st;
            printf("killed %.3f\n", since());
            break;
        }
        double t = since();
        double wait_for = limit - t;
        const char *what = "total";
        if (typed < n_lines && last_step + gap - t < wait_for) {
            wait_for = last_step + gap - t;
            what = "prompt";
        }
        if (wait_for <= 0) {
            if (strcmp(what, "prompt") == 0)
                printf("timeout prompt-%d %.3f\n", prompts + 1, t);
            else
                printf("timeout total %.3f\n", t);
            stop_child(pid);
            result = 3;
            break;
        }
        struct pollfd p = {.fd = out_fd, .events = POLLIN};
        int r = poll(&p, 1, (int)(wait_for * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;   /* the deadline check above reports it */
        ssize_t got = read(out_fd, win + keep, sizeof(win) - keep);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            /* Console closed: the command is ending. */
            int st = 0;
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            printf("exit %d %.3f\n", exit_code(st), since());
            if (n_seen < n_marks || typed < n_lines)
                result = 1;
            break;
        }
        double t_read = since();
        if (out)
            fwrite(win + keep, 1, (size_t)got, out);
        size_t len = keep + (size_t)got;
        for (int i = 0; i < n_marks; i++) {
            if (!seen[i] && count_new(win, len, keep, marks[i]) > 0) {
                seen[i] = true;
                n_seen++;
                printf("mark %d %.3f\n", i + 1, t_read);
            }
        }
        int np = count_new(win, len, keep, prompt);
        for (int i = 0; i < np; i++) {
            prompts++;
            printf("prompt %d %.3f\n", prompts, t_read);
            last_step = t_read;
        }
        /* Keep the tail that could start a match cut by the next read. */
        keep = len < WINDOW - 1 ? len : WINDOW - 1;
        memmove(win, win + len - keep, keep);
    }
    if (out)
        fclose(out);
    close(in_fd);
    close(out_fd);
    return result;

bad_usage:
    fputs(usage, stderr);
    return 2;
}
