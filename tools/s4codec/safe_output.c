/*
 * safe_output.c — output files that appear whole or not at all.
 *
 * Data goes to a mkstemp() file in the destination directory (same file
 * system, so the final rename is atomic). On success the file gets the input's
 * permission bits and times and is moved into place: with link() when
 * overwriting is not allowed, so a file that appeared meanwhile is still not
 * clobbered, and with rename() under -f. On failure, and on SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT or SIGXFSZ, the temporary file is unlinked; the handler uses
 * only async-signal-safe calls and then re-raises the signal. Existing devices
 * and FIFOs (-o /dev/null) are written in place, never replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "safe_output.h"

static volatile sig_atomic_t temp_active;
static char temp_for_signal[PATH_MAX];
static int handlers_installed;
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ};
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static void on_fatal_signal(int sig) {
    if (temp_active) unlink(temp_for_signal);
    /* SA_RESETHAND restored the default action; it runs when we return. */
    raise(sig);
}

static void install_handlers(void) {
    if (handlers_installed) return;
    handlers_installed = 1;
    for (size_t i = 0; i < N_FATAL; i++) {
        struct sigaction old, sa;
        /* A signal ignored by our parent (nohup, background job) stays ignored. */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal_signals[i], &sa, NULL);
    }
}

/* Blocks the fatal signals around changes of the temp file's existence. */
static void block_signals(sigset_t *saved) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_FATAL; i++)
        sigaddset(&set, fatal_signals[i]);
    sigprocmask(SIG_BLOCK, &set, saved);
}

static void restore_signals(const sigset_t *saved) { sigprocmask(SIG_SETMASK, saved, NULL); }

/* "<dir>/.<base>.XXXXXX" next to `path`. */
static int make_temp_template(const char *path, char *out, size_t cap) {
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    if (strlen(base) > 200) base = CLI_PROGRAM; /* keep under NAME_MAX */
    int n = snprintf(out, cap, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static int open_temp(cli_output *out, const char *path) {
    if (make_temp_template(path, out->temp_path, sizeof(out->temp_path)) != 0)
        return cli_error(CLI_EXIT_IO, "%s: file name too long", path);
    install_handlers();
    sigset_t saved;
    block_signals(&saved);
    out->fd = mkstemp(out->temp_path);
    int e = errno;
    if (out->fd >= 0) {
        memcpy(temp_for_signal, out->temp_path, sizeof(temp_for_signal));
        temp_active = 1;
    }
    restore_signals(&saved);
    if (out->fd < 0)
        return cli_error(CLI_EXIT_IO, "%s: cannot create a temporary file next to it: %s", path,
                         strerror(e));
    out->via_temp = 1;
    return 0;
}

int cli_output_open(cli_output *out, const char *path, int force, int binary,
                    const cli_input *input) {
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    out->force = force;
    if (!path || !strcmp(path, "-")) {
        if (binary && isatty(STDOUT_FILENO))
            return cli_error(CLI_EXIT_REFUSED, "refusing to write compressed data to a terminal "
                                               "(redirect stdout or use -o FILE)");
        out->fd = STDOUT_FILENO;
        out->name = "stdout";
        return 0;
    }
    out->path = path;
    out->name = path;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (input && st.st_dev == input->st.st_dev && st.st_ino == input->st.st_ino)
            return cli_error(CLI_EXIT_REFUSED, "%s: input and output are the same file", path);
        if (S_ISDIR(st.st_mode)) return cli_error(CLI_EXIT_IO, "%s: is a directory", path);
        if (!S_ISREG(st.st_mode)) { /* device, FIFO, socket: written in place */
            out->fd = open(path, O_WRONLY | O_CLOEXEC);
            if (out->fd < 0) return cli_error(CLI_EXIT_IO, "%s: %s", path, strerror(errno));
            if (binary && isatty(out->fd)) {
                close(out->fd);
                out->fd = -1;
                return cli_error(CLI_EXIT_REFUSED,
                                 "%s: refusing to write compressed data to a terminal", path);
            }
            return 0;
        }
        if (!force)
            return cli_error(CLI_EXIT_REFUSED, "%s: already exists; use -f to overwrite", path);
    } else if (lstat(path, &st) == 0 && !force) { /* a dangling symlink */
        return cli_error(CLI_EXIT_REFUSED, "%s: already exists; use -f to overwrite", path);
    }
    return open_temp(out, path);
}

int cli_output_write(cli_output *out, const void *buf, size_t n) {
    if (n == 0) return 0;
    if (cli_write_all(out->fd, buf, n) != 0)
        return cli_error(CLI_EXIT_IO, "%s: write error: %s", out->name, strerror(errno));
    out->written += n;
    return 0;
}

static mode_t creation_mode(void) {
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Moves the finished temp file into place; 0, or an exit code. */
static int install_temp(cli_output *out) {
    sigset_t saved;
    block_signals(&saved);
    int rc = 0, e = 0;
    if (!out->force && link(out->temp_path, out->path) == 0) {
        unlink(out->temp_path);
    } else if (!out->force && errno == EEXIST) {
        unlink(out->temp_path);
        rc = CLI_EXIT_REFUSED;
    } else if (rename(out->temp_path, out->path) != 0) { /* -f, or no hard links here */
        e = errno;
        unlink(out->temp_path);
        rc = CLI_EXIT_IO;
    }
    temp_active = 0;
    out->via_temp = 0;
    restore_signals(&saved);
    if (rc == CLI_EXIT_REFUSED)
        return cli_error(rc, "%s: appeared while writing; use -f to overwrite", out->path);
    if (rc)
        return cli_error(rc, "%s: cannot rename the temporary file into place: %s", out->path,
                         strerror(e));
    return 0;
}

int cli_output_commit(cli_output *out, const cli_input *input) {
    if (out->fd == STDOUT_FILENO && !out->path) return 0;
    if (!out->via_temp) { /* a device or FIFO */
        int rc = close(out->fd);
        out->fd = -1;
        return rc == 0 ? 0 : cli_error(CLI_EXIT_IO, "%s: %s", out->name, strerror(errno));
    }
    int from_file = input && S_ISREG(input->st.st_mode);
    mode_t mode = from_file ? (input->st.st_mode & 0777) : creation_mode();
    if (fchmod(out->fd, mode) != 0) {
        cli_error(CLI_EXIT_IO, "%s: cannot set permissions: %s", out->name, strerror(errno));
        cli_output_abort(out);
        return CLI_EXIT_IO;
    }
    if (from_file) {
        struct timespec times[2] = {input->st.st_atim, input->st.st_mtim};
        (void)futimens(out->fd, times); /* best effort, like gzip and zstd */
    }
    int rc = close(out->fd);
    out->fd = -1;
    if (rc != 0) {
        cli_error(CLI_EXIT_IO, "%s: write error: %s", out->name, strerror(errno));
        cli_output_abort(out);
        return CLI_EXIT_IO;
    }
    return install_temp(out);
}

void cli_output_abort(cli_output *out) {
    if (out->fd >= 0 && out->fd != STDOUT_FILENO) close(out->fd);
    out->fd = -1;
    if (!out->via_temp) return;
    sigset_t saved;
    block_signals(&saved);
    unlink(out->temp_path);
    temp_active = 0;
    out->via_temp = 0;
    restore_signals(&saved);
}
