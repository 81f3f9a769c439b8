// "The host's other application" of the gate tests (tests/e2e/test_gate.cpp): a bare libfcgi program,
// as a PHP app behind php-fpm would be, that answers every request with what nginx told it about the
// user: the HTTP_X_GATEHOUSE_* params ("-" when absent) and the request URI, one per line.
//
//     fcgi_app <socket path>     listens there (mode 0666) until killed
#include <fcgiapp.h>
#include <sys/stat.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fcgi_app <socket path>\n");
        return 2;
    }
    if (FCGX_Init() != 0) return 1;
    const int fd = FCGX_OpenSocket(argv[1], 64);
    if (fd < 0) {
        std::perror("FCGX_OpenSocket");
        return 1;
    }
    ::chmod(argv[1], 0666);  // nginx's workers may run as www-data
    FCGX_Request request;
    FCGX_InitRequest(&request, fd, 0);
    while (FCGX_Accept_r(&request) == 0) {
        auto param = [&](const char* name) {
            const char* value = FCGX_GetParam(name, request.envp);
            return value ? value : "-";
        };
        FCGX_FPrintF(request.out,
                     "Content-Type: text/plain\r\n\r\n"
                     "user_id=%s\nemail=%s\nstaff=%s\nuri=%s\n",
                     param("HTTP_X_GATEHOUSE_USER_ID"), param("HTTP_X_GATEHOUSE_EMAIL"),
                     param("HTTP_X_GATEHOUSE_STAFF"), param("REQUEST_URI"));
        FCGX_Finish_r(&request);
    }
    return 0;
}
