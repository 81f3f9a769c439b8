#pragma once
// A real memcached for one test, on a unix socket in a fresh temp dir:
//   memcached -s <tmp>/mc.sock -a 0700 -m 16 [-u root]
// started in the constructor (waits until the socket answers), killed in the destructor. Use it as a
// Boost.Test fixture (BOOST_FIXTURE_TEST_SUITE(name, gatehouse::test::Memcached)) or as a member,
// and hand `socket` to store::Cache. stop() and start() let a test take memcached down and back up.
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::test {

inline bool can_connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

struct Memcached {
    TempDir tmp;
    std::string socket = tmp.file("mc.sock");
    pid_t pid = -1;

    Memcached() { start(); }
    ~Memcached() { stop(); }
    Memcached(const Memcached&) = delete;
    Memcached& operator=(const Memcached&) = delete;

    void start() {
        using namespace std::chrono_literals;
        std::vector<std::string> args = {"memcached", "-s", socket, "-a", "0700", "-m", "16"};
        if (::geteuid() == 0) args.insert(args.end(), {"-u", "root"});
        pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test binary
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execvp(argv[0], argv.data());
            ::_exit(127);
        }
        for (auto deadline = std::chrono::steady_clock::now() + 5s; !can_connect_unix(socket);) {
            int status = 0;
            BOOST_REQUIRE_MESSAGE(::waitpid(pid, &status, WNOHANG) == 0, "memcached exited at start");
            BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "memcached did not start");
            std::this_thread::sleep_for(10ms);
        }
    }

    void stop() {
        if (pid <= 0) return;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        pid = -1;
    }
};

}  // namespace gatehouse::test
