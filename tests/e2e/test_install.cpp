// `make install` as the README's "Installing on a server" has it, checked with the tools that will read
// what it installs: systemd-analyze verify on the units, systemd-sysusers and logrotate on their
// files, the installed binary started from DESTDIR with the installed config and asked for /healthz
// over FastCGI by cgi-fcgi (as nginx's www-data user), sd_notify read from a NOTIFY_SOCKET as systemd
// reads it, and `make uninstall` leaving only the state and a changed config.
#include "checks.hpp"
#include "stack.hpp"

#include "gatehouse/core/config.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

using namespace gatehouse::e2e;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status;  // exit status, -1 when it did not exit normally
    std::string output;  // stdout and stderr
};

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The sanitizers' settings of `make test SANITIZE=1` (no leak check at a server's exit), for the
// installed binary, which is then the sanitized one too.
std::vector<std::string> sanitizer_env() {
    std::vector<std::string> out;
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"})
        if (const char* value = std::getenv(name)) out.push_back(std::string(name) + "=" + value);
    return out;
}

// A shell command with nothing of this process's environment but PATH and the sanitizers' settings
// (no MAKEFLAGS from a `make test`, no GATEHOUSE_* of the developer's).
Run run(const std::string& command) {
    std::string line = "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ";
    for (const auto& setting : sanitizer_env()) line += quoted(setting) + " ";
    line += command + " 2>&1";
    FILE* pipe = ::popen(line.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed: " + command);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

fs::path exe_dir() { return fs::read_symlink("/proc/self/exe").parent_path(); }

// The checkout (holds the Makefile) and the build directory of the gatehouse beside this test binary.
fs::path checkout() {
    for (fs::path dir = exe_dir(); dir != dir.parent_path(); dir = dir.parent_path())
        if (fs::exists(dir / "Makefile") && fs::exists(dir / "templates" / "system")) return dir;
    throw std::runtime_error("no checkout above " + exe_dir().string());
}

// A temp dir with `make install DESTDIR=<dir>/root PREFIX=/usr/local` done in it, from the build that
// this test binary belongs to (make rebuilds nothing: `make test` has just built it).
class InstalledTree {
public:
    InstalledTree() {
        char tmpl[] = "/tmp/gatehouse-install-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        ::chmod(dir_.c_str(), 0755);  // www-data and nobody pass through, as through / on a server
        root_ = dir_ / "root";
        const Run r = make("install");
        if (r.status != 0) throw std::runtime_error("make install failed:\n" + r.output);
    }
    ~InstalledTree() {
        const char* keep = std::getenv("GATEHOUSE_KEEP_TEST_DIR");
        if (keep && *keep) {
            std::cerr << "e2e: kept " << dir_ << "\n";
            return;
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    InstalledTree(const InstalledTree&) = delete;
    InstalledTree& operator=(const InstalledTree&) = delete;

    Run make(const std::string& target) const {
        const fs::path home = checkout();
        fs::path build = exe_dir();
        if (auto rel = fs::relative(build, home); !rel.empty() && *rel.begin() != "..") build = rel;
        return run("make -C " + quoted(home.string()) + " --no-print-directory " + target + " DESTDIR=" +
                   quoted(root_.string()) + " PREFIX=/usr/local BUILD=" + quoted(build.string()));
    }

    const fs::path& dir() const { return dir_; }
    const fs::path& root() const { return root_; }
    fs::path operator/(const std::string& path) const { return root_ / path; }
    fs::path bin() const { return root_ / "usr/local/bin/gatehouse"; }
    fs::path conf() const { return root_ / "etc/gatehouse/gatehouse.conf"; }

    // Every regular file and symlink under the root, relative to it.
    std::set<std::string> files() const {
        std::set<std::string> out;
        for (const auto& entry : fs::recursive_directory_iterator(root_))
            if (!entry.is_directory()) out.insert(fs::relative(entry.path(), root_).string());
        return out;
    }

private:
    fs::path dir_, root_;
};

// A child process (fork + exec), optionally as another user: stdout and stderr to a log file; TERM,
// then KILL, when the owner goes.
class Child {
public:
    struct Identity {
        uid_t uid;
        gid_t gid;
        std::vector<gid_t> groups;
    };

    Child(std::vector<std::string> argv, std::vector<std::string> env, const fs::path& log,
          std::optional<Identity> as = std::nullopt) {
        std::vector<char*> args, envp;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0) throw std::runtime_error("cannot open " + log.string());
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::dup2(log_fd, STDOUT_FILENO);
            ::dup2(log_fd, STDERR_FILENO);
            const int null_fd = ::open("/dev/null", O_RDONLY);
            ::dup2(null_fd, STDIN_FILENO);
            ::close_range(3, ~0U, 0);
            if (as && (::setgroups(as->groups.size(), as->groups.data()) != 0 || ::setgid(as->gid) != 0 ||
                       ::setuid(as->uid) != 0))
                ::_exit(126);
            ::execve(args[0], args.data(), envp.data());
            ::_exit(127);
        }
        ::close(log_fd);
        if (pid_ < 0) throw std::runtime_error("fork failed");
    }
    ~Child() {
        if (pid_ <= 0 || wait_for(0ms)) return;
        ::kill(pid_, SIGTERM);
        if (!wait_for(20s)) {
            ::kill(-pid_, SIGKILL);
            wait_for(5s);
        }
        ::kill(-pid_, SIGKILL);  // workers a killed master left behind
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    // The wait status once it has exited within `timeout`.
    std::optional<int> wait_for(std::chrono::milliseconds timeout) {
        if (status_) return status_;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        do {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) return status_ = status;
            std::this_thread::sleep_for(20ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return std::nullopt;
    }

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
};

Child::Identity user(const char* name, std::vector<const char*> more_groups = {}) {
    const passwd* pw = ::getpwnam(name);
    if (!pw) throw std::runtime_error(std::string("no user ") + name);
    Child::Identity id{pw->pw_uid, pw->pw_gid, {pw->pw_gid}};
    for (const char* g : more_groups) {
        const group* gr = ::getgrnam(g);
        if (!gr) throw std::runtime_error(std::string("no group ") + g);
        id.groups.push_back(gr->gr_gid);
    }
    return id;
}

bool socket_exists(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// memcached on a unix socket in dir, reachable by any user (the test's servers are not root).
std::unique_ptr<Child> start_memcached(const fs::path& dir) {
    const fs::path sock = dir / "memcached.sock";
    auto child = std::make_unique<Child>(
        std::vector<std::string>{"/usr/bin/memcached", "-s", sock.string(), "-a", "0777", "-m", "16", "-u", "root"},
        std::vector<std::string>{}, dir / "memcached.log");
    if (!wait_until(10s, [&] { return socket_exists(sock); })) throw std::runtime_error("memcached did not start");
    return child;
}

// The installed binary's environment: the installed config, with the state, the socket and memcached
// moved into the test's dir (the config's own are /var/lib/gatehouse and /run/…).
std::vector<std::string> server_env(const InstalledTree& tree) {
    std::vector<std::string> env = {"PATH=/usr/bin:/bin",
                                    "GATEHOUSE_CONF=" + tree.conf().string(),
                                    "GATEHOUSE_VAR=" + (tree.dir() / "var").string(),
                                    "GATEHOUSE_SOCKET=" + (tree.dir() / "run/gatehouse.sock").string(),
                                    "GATEHOUSE_MEMCACHED=" + (tree.dir() / "memcached.sock").string(),
                                    "GATEHOUSE_WORKERS=2"};
    for (auto& setting : sanitizer_env()) env.push_back(std::move(setting));
    return env;
}

// A unix datagram socket bound where NOTIFY_SOCKET points, read as systemd reads it: with the sender's
// credentials (SO_PASSCRED), so a message from a worker instead of the master is seen as such.
class NotifySocket {
public:
    explicit NotifySocket(fs::path path) : path_(std::move(path)) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        const int on = 1;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0)
            throw std::runtime_error("cannot bind " + path_.string());
    }
    ~NotifySocket() { ::close(fd_); }

    struct Message {
        pid_t sender;
        std::string text;
    };
    // The next message, or nullopt after `timeout`.
    std::optional<Message> next(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
        char data[4096];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
        iovec iov{data, sizeof data};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(fd_, &msg, 0);
        if (n < 0) return std::nullopt;
        pid_t sender = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
                sender = reinterpret_cast<ucred*>(CMSG_DATA(c))->pid;
        return Message{sender, std::string(data, static_cast<std::size_t>(n))};
    }

private:
    fs::path path_;
    int fd_ = -1;
};

bool has_line(const std::string& message, const std::string& line) {
    std::istringstream lines(message);
    for (std::string l; std::getline(lines, l);)
        if (l == line) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(install)

BOOST_AUTO_TEST_CASE(make_install_writes_the_trusted_proxies_into_the_snippet) {
    InstalledTree tree;
    const fs::path snippet = tree / "usr/local/share/gatehouse/nginx/gatehouse-locations.conf";
    BOOST_TEST(!contains(read_text(snippet), "set_real_ip_from"), "none unless asked for");
    const Run again = tree.make("install TRUSTED_PROXIES='10.0.0.0/8, 192.0.2.7'");
    BOOST_TEST_REQUIRE(again.status == 0, again.output);
    const std::string text = read_text(snippet);
    BOOST_TEST(contains(text, "set_real_ip_from 10.0.0.0/8; set_real_ip_from 192.0.2.7; "
                              "real_ip_header X-Forwarded-For; real_ip_recursive on;"), text);
}

BOOST_AUTO_TEST_CASE(make_install_puts_each_file_where_the_readme_says) {
    InstalledTree tree;
    for (const char* path : {"usr/local/bin/gatehouse", "usr/local/share/gatehouse/templates/base.html",
                             "usr/local/share/gatehouse/db/migrations/0001_users.sql",
                             "usr/local/share/gatehouse/db/common-passwords.txt",
                             "usr/local/share/gatehouse/nginx/static/style.css",
                             "usr/local/share/gatehouse/nginx/errors/429.html",
                             "usr/local/share/gatehouse/nginx/fastcgi_params",
                             "usr/local/lib/systemd/system/gatehouse.service",
                             "usr/local/lib/systemd/system/gatehouse-memcached.service",
                             "usr/local/lib/sysusers.d/gatehouse.conf", "etc/logrotate.d/gatehouse",
                             "etc/gatehouse/gatehouse.conf"})
        BOOST_TEST(fs::is_regular_file(tree / path), path);
    BOOST_TEST(!fs::exists(tree / "usr/local/share/gatehouse/templates/system"));  // the installer's own
    BOOST_TEST(((fs::status(tree.bin()).permissions() & fs::perms::others_exec) != fs::perms::none));
    BOOST_TEST(((fs::status(tree.conf()).permissions() & fs::perms::others_read) == fs::perms::none));  // SMTP password

    // Each nginx snippet of the checkout, its @PLACEHOLDERS@ filled in.
    for (const auto& entry : fs::directory_iterator(checkout() / "nginx")) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("gatehouse-") || name.find(".conf") == std::string::npos) continue;
        const std::string installed = name.ends_with(".in") ? name.substr(0, name.size() - 3) : name;
        const std::string text = read_text(tree / ("usr/local/share/gatehouse/nginx/" + installed));
        BOOST_TEST(!text.empty(), installed);
        BOOST_TEST(!std::regex_search(text, std::regex("@[A-Z_]+@")), installed);
    }

    // The installed binary finds its share dir by itself (no GATEHOUSE_HOME): ../share/gatehouse.
    const Run config = run("GATEHOUSE_CONF=" + quoted(tree.conf().string()) + " " + quoted(tree.bin().string()) + " config");
    BOOST_TEST_REQUIRE(config.status == 0, config.output);
    BOOST_TEST(contains(config.output, "export GATEHOUSE_HOME='" + (tree / "usr/local/share/gatehouse").string() + "'\n"));
    BOOST_TEST(contains(config.output, "export GATEHOUSE_VAR='/var/lib/gatehouse'\n"));
    BOOST_TEST(contains(config.output, "export GATEHOUSE_SOCKET='/run/gatehouse/gatehouse.sock'\n"));
}

BOOST_AUTO_TEST_CASE(systemd_analyze_verify_passes_on_the_installed_units) {
    InstalledTree tree;
    const std::string unit = read_text(tree / "usr/local/lib/systemd/system/gatehouse.service");
    for (const char* line : {"Type=notify", "User=gatehouse", "ExecStart=/usr/local/bin/gatehouse serve",
                             "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "StateDirectory=gatehouse",
                             "StateDirectoryMode=0751",
                             "RuntimeDirectory=gatehouse", "ProtectSystem=strict", "PrivateTmp=yes",
                             "NoNewPrivileges=yes", "Environment=GATEHOUSE_CONF=/etc/gatehouse/gatehouse.conf"})
        BOOST_TEST(contains(unit, std::string("\n") + line + "\n"));

    // verify --root resolves ExecStart= and the rest inside the root, so the root gets what / would
    // have besides Gatehouse: kill, memcached and the target every service is ordered after.
    fs::create_directories(tree / "bin");
    fs::create_directories(tree / "usr/bin");
    fs::create_directories(tree / "lib/systemd/system");
    fs::copy_file("/bin/kill", tree / "bin/kill");
    fs::copy_file("/usr/bin/memcached", tree / "usr/bin/memcached");
    fs::copy_file("/lib/systemd/system/sysinit.target", tree / "lib/systemd/system/sysinit.target");
    const Run verify = run("systemd-analyze verify --man=no --root=" + quoted(tree.root().string()) +
                           " gatehouse.service gatehouse-memcached.service");
    BOOST_TEST(verify.status == 0, verify.output);
    BOOST_TEST(verify.output.empty(), "systemd-analyze verify said:\n" << verify.output);  // warnings exit 0

    const Run sysusers = run("systemd-sysusers --dry-run --root=" + quoted(tree.root().string()));
    BOOST_TEST(sysusers.status == 0, sysusers.output);
    BOOST_TEST(contains(sysusers.output, "Creating user 'gatehouse'"));
    BOOST_TEST(lacks(sysusers.output, "gatehouse.conf:"));  // a complaint names the file and line

    const Run logrotate = run("logrotate --debug --state " + quoted((tree.dir() / "logrotate.state").string()) + " " +
                              quoted((tree / "etc/logrotate.d/gatehouse").string()));
    BOOST_TEST(logrotate.status == 0, logrotate.output);
    BOOST_TEST(lacks(logrotate.output, "error:"));
}

// Every setting is in the installed config, and each commented line shows the real default: with all
// of them uncommented, `gatehouse config` says what it says with the file as installed.
BOOST_AUTO_TEST_CASE(the_installed_config_lists_every_setting_with_its_default) {
    InstalledTree tree;
    const std::string conf = read_text(tree.conf());
    auto keys = gatehouse::core::known_config_keys();
    keys.insert(keys.end(), {"GATEHOUSE_TLS_CERT", "GATEHOUSE_TLS_KEY"});
    for (const auto& key : keys)
        BOOST_TEST(std::regex_search(conf, std::regex("(^|\n)#?" + key + "=")), key << " is not in gatehouse.conf");

    const fs::path uncommented = tree.dir() / "uncommented.conf";
    std::ofstream(uncommented) << std::regex_replace(conf, std::regex("(^|\n)#(GATEHOUSE_)"), "$1$2");
    auto effective = [&](const fs::path& file) {
        const Run r = run("GATEHOUSE_CONF=" + quoted(file.string()) + " " + quoted(tree.bin().string()) + " config");
        BOOST_TEST_REQUIRE(r.status == 0, r.output);
        return std::regex_replace(r.output, std::regex("export GATEHOUSE_HOME=[^\n]*\n"), "");  // a DESTDIR path
    };
    BOOST_TEST(effective(uncommented) == effective(tree.conf()));
}

// The installed tree runs: the DESTDIR's binary with the installed config, as an unprivileged user in
// www-data as gatehouse.service runs it, answers /healthz over its FastCGI socket to nginx's user.
BOOST_AUTO_TEST_CASE(the_installed_tree_answers_healthz_over_fastcgi) {
    InstalledTree tree;
    const auto server = user("nobody", {"www-data"});
    // As install and systemd would: the config readable by the service's group, its state and runtime
    // directories its own.
    BOOST_REQUIRE(::chown(tree.conf().c_str(), 0, server.gid) == 0);
    for (const char* d : {"var", "run"}) {
        fs::create_directory(tree.dir() / d);
        BOOST_REQUIRE(::chown((tree.dir() / d).c_str(), server.uid, server.gid) == 0);
    }
    ::chmod((tree.dir() / "run").c_str(), 0711);
    auto memcached = start_memcached(tree.dir());

    const fs::path sock = tree.dir() / "run/gatehouse.sock";
    Child master({tree.bin().string(), "serve"}, server_env(tree), tree.dir() / "gatehouse.log", server);
    const bool up = wait_until(20s, [&] { return socket_exists(sock) || master.wait_for(0ms); });
    BOOST_TEST_REQUIRE(socket_exists(sock), "no socket; log:\n" << read_text(tree.dir() / "gatehouse.log"));

    struct stat st {};
    BOOST_REQUIRE(::stat(sock.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0660u);
    BOOST_TEST(st.st_gid == ::getgrnam("www-data")->gr_gid);  // given to nginx's group by a non-root master

    // cgi-fcgi, the php-fpm operator's tool, as www-data (nginx's workers): the environment is the
    // request's FastCGI params.
    const std::string ask = "setpriv --reuid=www-data --regid=www-data --clear-groups env -i SCRIPT_NAME=/healthz "
                            "REQUEST_URI=/healthz DOCUMENT_URI=/healthz REQUEST_METHOD=GET SERVER_PROTOCOL=HTTP/1.1 "
                            "REMOTE_ADDR=127.0.0.1 QUERY_STRING= cgi-fcgi -bind -connect " + quoted(sock.string());
    Run answer{};
    wait_until(15s, [&] {  // the workers open the database and memcached first
        answer = run(ask);
        return answer.output.starts_with("Status: 200");
    }, 200ms);
    BOOST_TEST_REQUIRE(answer.output.starts_with("Status: 200 "), answer.output << "\nlog:\n" << read_text(tree.dir() / "gatehouse.log"));
    const auto body_at = answer.output.find("\r\n\r\n");
    BOOST_TEST_REQUIRE(body_at != std::string::npos);
    const auto body = nlohmann::json::parse(answer.output.substr(body_at + 4));
    BOOST_TEST(body.at("status") == "ok");
    BOOST_TEST(up);

    // The state went where GATEHOUSE_VAR points, owned by the service's user.
    BOOST_REQUIRE(::stat((tree.dir() / "var/gatehouse.db").c_str(), &st) == 0);
    BOOST_TEST(st.st_uid == server.uid);
    // media/ (profile pictures, which nginx serves as www-data) too, readable by others whatever the umask.
    BOOST_REQUIRE(::stat((tree.dir() / "var/media").c_str(), &st) == 0);
    BOOST_TEST(st.st_uid == server.uid);
    BOOST_TEST((st.st_mode & 0777) == 0755u);
    ::kill(master.pid(), SIGTERM);
    const auto status = master.wait_for(20s);
    BOOST_TEST_REQUIRE(status.has_value());
    BOOST_TEST((WIFEXITED(*status) && WEXITSTATUS(*status) == 0));
}

BOOST_AUTO_TEST_CASE(the_master_tells_systemd_ready_reloading_and_stopping) {
    InstalledTree tree;
    fs::create_directory(tree.dir() / "run");
    auto memcached = start_memcached(tree.dir());
    NotifySocket notify(tree.dir() / "notify.sock");
    auto env = server_env(tree);
    env.push_back("NOTIFY_SOCKET=" + (tree.dir() / "notify.sock").string());
    Child master({tree.bin().string(), "serve"}, env, tree.dir() / "gatehouse.log");
    const std::string main_pid = "MAINPID=" + std::to_string(master.pid());

    // Only the master speaks (systemd's NotifyAccess=main drops the rest): every message checked.
    std::vector<std::string> heard;
    auto wait_for = [&](const std::string& line) {
        while (auto message = notify.next(20s)) {
            BOOST_TEST(message->sender == master.pid(), "from pid " << message->sender << ": " << message->text);
            heard.push_back(message->text);
            if (has_line(message->text, line)) return message->text;
        }
        BOOST_FAIL("no " << line << " within 20 s; log:\n" << read_text(tree.dir() / "gatehouse.log"));
        return std::string();
    };

    const std::string ready = wait_for("READY=1");
    BOOST_TEST(heard.size() == 1u);  // READY=1 is the first word
    BOOST_TEST(has_line(ready, main_pid));
    BOOST_TEST(contains(ready, "STATUS=serving on " + (tree.dir() / "run/gatehouse.sock").string() + " with 2 workers"));
    BOOST_TEST(socket_exists(tree.dir() / "run/gatehouse.sock"));  // ready means nginx can connect

    ::kill(master.pid(), SIGHUP);
    BOOST_TEST(contains(wait_for("RELOADING=1"), "MONOTONIC_USEC="));
    const std::string again = wait_for("READY=1");
    BOOST_TEST(has_line(again, main_pid));

    ::kill(master.pid(), SIGTERM);
    wait_for("STOPPING=1");
    const auto status = master.wait_for(20s);
    BOOST_TEST_REQUIRE(status.has_value());
    BOOST_TEST((WIFEXITED(*status) && WEXITSTATUS(*status) == 0));
    BOOST_TEST(!notify.next(200ms).has_value());  // nothing after STOPPING=1
}

BOOST_AUTO_TEST_CASE(uninstall_removes_everything_install_put_there) {
    InstalledTree tree;
    const Run r = tree.make("uninstall");
    BOOST_TEST_REQUIRE(r.status == 0, r.output);
    const auto left = tree.files();
    BOOST_TEST(left.empty(), "left behind: " << (left.empty() ? "" : *left.begin()));
    BOOST_TEST(!fs::exists(tree / "usr/local/share/gatehouse"));
    BOOST_TEST(!fs::exists(tree / "etc/gatehouse"));
}

// A changed config survives a new install (which puts its own beside it as gatehouse.conf.dist) and the
// uninstall; the state directory is never touched.
BOOST_AUTO_TEST_CASE(install_and_uninstall_keep_a_changed_config_and_the_state) {
    InstalledTree tree;
    const std::string changed = read_text(tree.conf()) + "GATEHOUSE_WORKERS=3\n";
    std::ofstream(tree.conf()) << changed;
    fs::create_directories(tree / "var/lib/gatehouse");
    std::ofstream(tree / "var/lib/gatehouse/gatehouse.db") << "state";

    const Run again = tree.make("install");
    BOOST_TEST_REQUIRE(again.status == 0, again.output);
    BOOST_TEST(read_text(tree.conf()) == changed);
    BOOST_TEST(fs::is_regular_file(tree / "etc/gatehouse/gatehouse.conf.dist"));
    BOOST_TEST(contains(again.output, "gatehouse.conf.dist"));

    const Run r = tree.make("uninstall");
    BOOST_TEST_REQUIRE(r.status == 0, r.output);
    const std::set<std::string> kept{"etc/gatehouse/gatehouse.conf", "var/lib/gatehouse/gatehouse.db"};
    BOOST_TEST((tree.files() == kept));
    BOOST_TEST(read_text(tree.conf()) == changed);
    BOOST_TEST(read_text(tree / "var/lib/gatehouse/gatehouse.db") == "state");
}

BOOST_AUTO_TEST_SUITE_END()
