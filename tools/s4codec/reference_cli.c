/*
 * reference_cli.c — fork/exec of the reference tools for bench.
 *
 * Input and captured output are passed as file descriptors that the parent
 * rewinds before each run (a forked child shares the file offset), so no
 * named temporary files are needed and nothing is left behind.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "reference_cli.h"

int cli_reference_run(const char *const argv[], int stdin_fd, int stdout_fd, double *seconds) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0 || lseek(stdin_fd, 0, SEEK_SET) < 0) {
        if (devnull >= 0) close(devnull);
        return 127;
    }
    fflush(NULL);
    double t0 = cli_now();
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(stdin_fd, STDIN_FILENO) < 0 || dup2(stdout_fd, STDOUT_FILENO) < 0 ||
            dup2(devnull, STDERR_FILENO) < 0)
            _exit(127);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    int waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    *seconds = cli_now() - t0;
    close(devnull);
    if (!waited) return 127;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return -1;
}

void cli_reference_argv(const char *tool, int decompress, int level, char *level_buf,
                        const char *argv[5]) {
    int i = 0;
    argv[i++] = tool;
    if (decompress) {
        argv[i++] = "-d";
    } else {
        if (!strcmp(tool, "zstd") && level > 19) argv[i++] = "--ultra";
        snprintf(level_buf, 8, "-%d", level);
        argv[i++] = level_buf;
    }
    argv[i++] = "-c";
    argv[i] = NULL;
}
