#include "stack.hpp"

#include "http_client.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "../test_postgres.hpp"

extern char** environ;

namespace gatehouse::e2e {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

bool is_executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path); }

std::string exe_dir() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

// The checkout: the first directory above the test binary that holds nginx/stack.sh, else the cwd.
std::string find_home() {
    for (fs::path dir = exe_dir(); !dir.empty(); dir = dir.parent_path()) {
        if (fs::exists(dir / "nginx" / "stack.sh")) return dir.string();
        if (dir == dir.parent_path()) break;
    }
    return fs::current_path().string();
}

// GATEHOUSE_BIN if set, else the gatehouse next to the test binary (same build dir), else build/.
std::string find_bin(const std::string& home) {
    if (const char* bin = std::getenv("GATEHOUSE_BIN"); bin && *bin) return bin;
    const std::string beside = exe_dir() + "/gatehouse";
    if (is_executable(beside)) return beside;
    return home + "/build/gatehouse";
}

std::string find_program(const std::string& name) {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) continue;
        const std::string candidate = dir + "/" + name;
        if (is_executable(candidate)) return candidate;
    }
    throw std::runtime_error(name + " not found in PATH (is it installed? `make deps`)");
}

// Two distinct free TCP ports: bound together on 0.0.0.0 (where nginx listens), then released.
std::pair<int, int> pick_two_ports() {
    int fds[2] = {-1, -1};
    int ports[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        fds[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0) throw std::runtime_error(errno_text("socket"));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (::bind(fds[i], reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(fds[i], reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            const std::string error = errno_text("bind port 0");
            for (int fd : fds)
                if (fd >= 0) ::close(fd);
            throw std::runtime_error(error);
        }
        ports[i] = ntohs(addr.sin_port);
    }
    ::close(fds[0]);
    ::close(fds[1]);
    return {ports[0], ports[1]};
}

// argv/envp kept alive as std::strings, with the char* arrays execve wants.
struct ExecArgs {
    std::vector<std::string> storage;
    std::vector<char*> pointers;
    explicit ExecArgs(std::vector<std::string> items) : storage(std::move(items)) {
        for (auto& s : storage) pointers.push_back(s.data());
        pointers.push_back(nullptr);
    }
};

// fork + execve with stdout/stderr appended to log_path, stdin from /dev/null, cwd set, in a process
// group of its own, and SIGTERM'd should this test process die first (no stack left behind).
pid_t spawn(const std::string& program, const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& log_path, const std::string& cwd) {
    ExecArgs args(argv);
    ExecArgs envp(env);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error(errno_text("open " + log_path));
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        ::close(log_fd);
        throw std::runtime_error(errno_text("open /dev/null"));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        ::close_range(3, ~0U, 0);  // no test sockets leak into the servers
        if (::chdir(cwd.c_str()) != 0) ::_exit(127);
        ::execve(program.c_str(), args.pointers.data(), envp.pointers.data());
        static const char message[] = "e2e: execve failed\n";
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(log_fd);
    ::close(null_fd);
    if (pid < 0) {
        errno = fork_errno;
        throw std::runtime_error(errno_text("fork"));
    }
    ::setpgid(pid, pid);  // also from the parent, so there is no window where it is unset
    return pid;
}

// Bounded waitpid: the wait status, or nullopt when it is still running after timeout.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0) return errno == ECHILD ? std::optional<int>(0) : std::nullopt;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(20ms);
    }
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("signal ") + (sigabbrev_np(WTERMSIG(status)) ?: "?");
    return "status " + std::to_string(status);
}

}  // namespace

bool unix_socket_accepts(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string tail_lines(const std::string& text, std::size_t lines) {
    std::size_t pos = text.size();
    if (pos > 0 && text[pos - 1] == '\n') --pos;
    for (std::size_t n = 0; n < lines && pos > 0; ++n) {
        const auto nl = text.rfind('\n', pos - 1);
        if (nl == std::string::npos) return text;
        pos = nl;
    }
    return pos == 0 ? text : text.substr(pos + 1);
}

bool keep_dir() {
    const char* keep = std::getenv("GATEHOUSE_KEEP_TEST_DIR");
    return keep && *keep;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Stack::Stack(StackOptions options) : options_(std::move(options)) {
    home_ = find_home();
    bin_ = find_bin(home_);
    if (!is_executable(home_ + "/nginx/stack.sh")) throw std::runtime_error("no " + home_ + "/nginx/stack.sh");
    if (!is_executable(bin_)) throw std::runtime_error(bin_ + " is missing: build it first (make build)");

    char tmpl[] = "/tmp/gatehouse-e2e-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error(errno_text("mkdtemp"));
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);  // nginx's workers may run as www-data, as in production
    var_dir_ = dir_ + "/var";
    memcached_socket_ = dir_ + "/memcached.sock";
    log_path_ = dir_ + "/stack.log";
    try {
        std::tie(https_port_, http_port_) = pick_two_ports();
        // Under tests/with-postgres.sh every stack gets a fresh PostgreSQL database of its own.
        if (!testing::test_postgres().empty()) database_ = testing::fresh_postgres_database("e2e");
        for (const auto& [name, value] : options_.env)
            if (name == "GATEHOUSE_DATABASE") database_ = value;
        if (options_.own_memcached) start_memcached();
        if (options_.prepare) options_.prepare(*this);
        launch_stack();
        if (options_.wait_healthy) wait_healthy();
    } catch (...) {
        cleanup();
        throw;
    }
}

Stack::~Stack() { cleanup(); }

void Stack::cleanup() noexcept {
    try {
        stop();
    } catch (...) {
    }
    try {
        if (memcached_pid_ > 0) stop_memcached();
    } catch (...) {
    }
    if (dir_.empty()) return;
    if (keep_dir()) {
        std::cerr << "e2e: kept " << dir_ << " (GATEHOUSE_KEEP_TEST_DIR)\n";
    } else {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    dir_.clear();
}

void Stack::launch_stack() {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        std::string name(entry.substr(0, eq));
        if (name.starts_with("GATEHOUSE_")) continue;  // the developer's own settings stay out
        vars[name] = std::string(entry.substr(eq + 1));
    }
    vars["GATEHOUSE_BIN"] = bin_;
    vars["GATEHOUSE_VAR"] = var_dir_;
    vars["GATEHOUSE_HTTPS_PORT"] = std::to_string(https_port_);
    vars["GATEHOUSE_HTTP_PORT"] = std::to_string(http_port_);
    vars["GATEHOUSE_WORKERS"] = std::to_string(options_.workers);
    vars["GATEHOUSE_TEST_HOOKS"] = options_.test_hooks ? "1" : "0";
    vars["GATEHOUSE_THROTTLE"] = options_.throttle ? "1" : "0";
    vars["GATEHOUSE_NEW_DEVICE_MAIL"] = options_.new_device_mail ? "1" : "0";
    vars["GATEHOUSE_STAFF_REQUIRE_MFA"] = options_.staff_require_mfa ? "1" : "0";
    if (options_.own_memcached) vars["GATEHOUSE_MEMCACHED"] = memcached_socket_;
    if (!database_.empty()) vars["GATEHOUSE_DATABASE"] = database_;
    if (!options_.listen_address.empty()) vars["GATEHOUSE_LISTEN_ADDRESS"] = options_.listen_address;
    for (const auto& [name, value] : options_.env) vars[name] = value;

    std::vector<std::string> env;
    for (const auto& [name, value] : vars) env.push_back(name + "=" + value);
    const std::string script = home_ + "/nginx/stack.sh";
    stack_pid_ = spawn(script, {script}, env, log_path_, dir_);
}

void Stack::wait_healthy() {
    HttpClient client({.follow_redirects = false, .cookies = false, .timeout_seconds = 3, .connect_timeout_seconds = 1});
    const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
    std::string last = "no answer yet";
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto status = wait_exit(stack_pid_, 0ms)) {
            stack_pid_ = 0;
            stack_status_ = *status;
            throw std::runtime_error("e2e: nginx/stack.sh exited (" + describe_status(*status) +
                                     ") before the stack was healthy; tail of " + log_path_ + ":\n" + log_tail());
        }
        try {
            const auto r = client.get(https_url("/healthz"));
            if (r.status == 200) return;
            last = "GET /healthz answered " + std::to_string(r.status) + ": " + r.body;
        } catch (const HttpError& e) {
            last = e.what();
        }
        std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("e2e: the stack was not healthy within " + std::to_string(options_.start_timeout.count()) +
                             "s (" + last + "); tail of " + log_path_ + ":\n" + log_tail());
}

int Stack::stop(std::chrono::seconds timeout) {
    if (stack_pid_ <= 0) return stack_status_;
    if (auto status = wait_exit(stack_pid_, 0ms)) {  // already gone on its own
        stack_pid_ = 0;
        return stack_status_ = *status;
    }
    ::kill(stack_pid_, SIGTERM);
    if (auto status = wait_exit(stack_pid_, timeout)) {
        stack_pid_ = 0;
        return stack_status_ = *status;
    }
    std::cerr << "e2e: nginx/stack.sh did not stop within " << timeout.count() << "s; killing everything\n"
              << log_tail() << "\n";
    kill_everything();
    return stack_status_ = -1;
}

void Stack::power_cut() {
    std::vector<pid_t> leaders = {stack_pid_};
    for (const char* name : {"gatehouse", "nginx", "memcached"})
        if (const pid_t pid = run_pid(name); pid > 0 && pid != memcached_pid_) leaders.push_back(pid);
    std::vector<pid_t> everything;
    for (pid_t leader : leaders) {
        everything.push_back(leader);
        for (pid_t member : session_members(leader)) everything.push_back(member);
    }
    for (pid_t leader : leaders) ::kill(-leader, SIGKILL);  // each runs a process group of its own
    for (pid_t pid : everything) ::kill(pid, SIGKILL);
    if (auto status = wait_exit(stack_pid_, 5s)) stack_status_ = *status;
    stack_pid_ = 0;
    wait_until(5s, [&] { return std::none_of(everything.begin(), everything.end(), process_running); });
}

void Stack::start_again() {
    launch_stack();
    wait_healthy();
}

// Last resort: the servers run in sessions of their own (setsid), so the stack.sh group alone does
// not reach them; each is a group leader, so its group takes its children (workers) with it.
void Stack::kill_everything() {
    std::vector<pid_t> pids = descendants(stack_pid_);
    for (const char* name : {"gatehouse", "nginx", "memcached"})
        if (const pid_t pid = run_pid(name); pid > 0 && pid != memcached_pid_) pids.push_back(pid);
    ::kill(-stack_pid_, SIGKILL);
    for (pid_t pid : pids) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
    }
    if (auto status = wait_exit(stack_pid_, 5s)) stack_status_ = *status;
    stack_pid_ = 0;
}

void Stack::start_memcached() {
    if (memcached_pid_ > 0) return;
    ::unlink(memcached_socket_.c_str());
    std::vector<std::string> argv = {"memcached", "-s", memcached_socket_, "-a", "0700", "-m", "16", "-c", "256"};
    if (::getuid() == 0) {
        argv.push_back("-u");
        argv.push_back("root");
    }
    std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
    memcached_pid_ = spawn(find_program("memcached"), argv, env, dir_ + "/memcached.log", dir_);
    const bool up = wait_until(15s, [&] {
        if (wait_exit(memcached_pid_, 0ms)) return true;  // died: reported below
        return unix_socket_accepts(memcached_socket_);
    });
    if (!up || !unix_socket_accepts(memcached_socket_)) {
        stop_memcached();
        throw std::runtime_error("e2e: memcached did not start on " + memcached_socket_ + ":\n" +
                                 read_file(dir_ + "/memcached.log"));
    }
}

void Stack::stop_memcached() {
    if (memcached_pid_ <= 0) return;
    ::kill(memcached_pid_, SIGTERM);
    if (!wait_exit(memcached_pid_, 5s)) {
        ::kill(memcached_pid_, SIGKILL);
        wait_exit(memcached_pid_, 5s);
    }
    memcached_pid_ = 0;
    ::unlink(memcached_socket_.c_str());
}

std::string Stack::address() const {
    return options_.listen_address.empty() ? std::string("127.0.0.1") : options_.listen_address;
}

std::string Stack::https_url(std::string_view path) const {
    const std::string host = address().find(':') == std::string::npos ? address() : "[" + address() + "]";
    return "https://" + host + ":" + std::to_string(https_port_) + std::string(path);
}

std::string Stack::http_url(std::string_view path) const {
    const std::string host = address().find(':') == std::string::npos ? address() : "[" + address() + "]";
    return "http://" + host + ":" + std::to_string(http_port_) + std::string(path);
}

pid_t Stack::run_pid(std::string_view name) const {
    std::ifstream in(var_dir_ + "/run/" + std::string(name) + ".pid");
    long pid = 0;
    if (!(in >> pid) || pid <= 0) return 0;
    return static_cast<pid_t>(pid);
}

pid_t Stack::master_pid() const {
    const pid_t pid = run_pid("gatehouse");
    if (pid <= 0) throw std::runtime_error("e2e: no pid in " + var_dir_ + "/run/gatehouse.pid");
    return pid;
}

std::string Stack::log() const { return read_file(log_path_); }

std::string Stack::log_tail(std::size_t lines) const { return tail_lines(log(), lines); }

// ---------------------------------------------------------------------------------------------

namespace {
std::unique_ptr<Stack> shared_instance;
std::string shared_failure;
}  // namespace

Stack& shared_stack() {
    if (shared_instance) return *shared_instance;
    if (!shared_failure.empty()) throw std::runtime_error("the shared stack failed to start earlier: " + shared_failure);
    try {
        shared_instance = std::make_unique<Stack>();
    } catch (const std::exception& e) {
        shared_failure = e.what();
        throw;
    }
    return *shared_instance;
}

void stop_shared_stack() { shared_instance.reset(); }

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    pid_ = spawn(program, argv, env, log_path, fs::current_path().string());
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    if (!wait_exit(pid_, 10s)) {
        ::kill(-pid_, SIGKILL);
        wait_exit(pid_, 5s);
    }
    pid_ = 0;
}

int free_port() { return pick_two_ports().first; }

bool process_running(pid_t pid) {
    if (pid <= 0) return false;
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
    const char state = stat[paren + 2];
    return state != 'Z' && state != 'X';
}

std::vector<pid_t> descendants(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = read_file("/proc/" + name + "/stat");
        const auto paren = stat.rfind(')');
        if (paren == std::string::npos) continue;
        std::istringstream rest(stat.substr(paren + 2));
        char state = 0;
        long ppid = 0;
        if (!(rest >> state >> ppid) || state == 'Z' || state == 'X') continue;
        children.emplace(static_cast<pid_t>(ppid), static_cast<pid_t>(std::stol(name)));
    }
    std::vector<pid_t> out;
    std::vector<pid_t> todo{root};
    while (!todo.empty()) {
        const pid_t parent = todo.back();
        todo.pop_back();
        const auto [first, last] = children.equal_range(parent);
        for (auto it = first; it != last; ++it) {
            out.push_back(it->second);
            todo.push_back(it->second);
        }
    }
    return out;
}

bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done, std::chrono::milliseconds interval) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(interval);
    }
}

std::string Stack::memcached_setting() const { return options_.own_memcached ? memcached_socket_ : std::string(); }

int run_gatehouse(const Stack& stack, const std::string& args, const std::string& input) {
    // The operator's settings are the server's: the same state dir and memcached.
    std::string settings = "GATEHOUSE_VAR='" + stack.var_dir() + "'";
    if (const auto memcached = stack.memcached_setting(); !memcached.empty()) settings += " GATEHOUSE_MEMCACHED='" + memcached + "'";
    if (!stack.database_setting().empty()) settings += " GATEHOUSE_DATABASE='" + stack.database_setting() + "'";
    const std::string command = "env -i PATH=/usr/bin:/bin " + settings + " timeout 60 '" + stack.bin() + "' " + args +
                                " >>'" + stack.dir() + "/gatehouse-cli.log' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "w");
    if (!pipe) return -1;
    std::fwrite(input.data(), 1, input.size(), pipe);
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

CommandResult run_gatehouse_output(const Stack& stack, const std::string& args, const std::string& input,
                                   const std::vector<std::pair<std::string, std::string>>& env) {
    static int serial = 0;
    const std::string out_path = stack.dir() + "/gatehouse-cli-" + std::to_string(++serial) + ".out";
    std::string settings = "GATEHOUSE_VAR='" + stack.var_dir() + "'";
    if (const auto memcached = stack.memcached_setting(); !memcached.empty()) settings += " GATEHOUSE_MEMCACHED='" + memcached + "'";
    if (!stack.database_setting().empty()) settings += " GATEHOUSE_DATABASE='" + stack.database_setting() + "'";
    for (const auto& [name, value] : env) settings += " " + name + "='" + value + "'";  // later wins
    const std::string command = "env -i PATH=/usr/bin:/bin " + settings + " timeout 60 '" + stack.bin() + "' " + args +
                                " >'" + out_path + "' 2>>'" + stack.dir() + "/gatehouse-cli.log'";
    CommandResult result;
    FILE* pipe = ::popen(command.c_str(), "w");
    if (!pipe) return result;
    std::fwrite(input.data(), 1, input.size(), pipe);
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(out_path);
    result.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::filesystem::remove(out_path);
    return result;
}

pid_t session_of(pid_t pid) {
    if (!process_running(pid)) return 0;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream rest(stat.substr(paren + 2));
    char state = 0;
    long ppid = 0, group = 0, session = 0;
    return rest >> state >> ppid >> group >> session ? static_cast<pid_t>(session) : 0;
}

std::vector<pid_t> session_members(pid_t session) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        if (pid != session && session_of(pid) == session) out.push_back(pid);
    }
    return out;
}

}  // namespace gatehouse::e2e
