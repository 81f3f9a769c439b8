/* The ceiling of `make bench` (README: Benchmarks): the least a FastCGI answer can cost behind the
 * same nginx — a bare libfcgi program, forked to as many workers as Gatehouse runs, answering every
 * request with a small fixed page. What Gatehouse does per request is measured against it.
 *
 *     bench_ceiling <socket path> <workers>      runs until SIGTERM (its workers go with it)
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char kPage[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ceiling</title></head>"
    "<body><main><h1>The ceiling</h1><p>A small fixed page from a bare libfcgi program.</p></main></body></html>\n";

static void serve(int listen_fd) {
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    while (FCGX_Accept_r(&request) == 0) {
        FCGX_PutStr(kPage, (int)sizeof kPage - 1, request.out);
        FCGX_Finish_r(&request);
    }
    _exit(0);
}

int main(int argc, char** argv) {
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: bench_ceiling <socket path> <workers>\n");
        return 2;
    }
    const int workers = atoi(argv[2]);
    if (FCGX_Init() != 0) return 1;
    unlink(argv[1]);
    const int fd = FCGX_OpenSocket(argv[1], 1024);
    if (fd < 0) {
        perror("FCGX_OpenSocket");
        return 1;
    }
    chmod(argv[1], 0666); /* nginx's workers may run as www-data */
    const pid_t parent = getpid();
    for (int i = 0; i < workers; ++i) {
        const pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(0);
            serve(fd);
        }
    }
    /* The parent waits; SIGTERM ends it, and its workers with it (PDEATHSIG). */
    while (wait(NULL) > 0) {
    }
    return 0;
}
