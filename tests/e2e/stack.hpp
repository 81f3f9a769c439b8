// The end-to-end fixture: the real Gatehouse stack (nginx/stack.sh: the gatehouse master with its
// workers, nginx with TLS, SQLite) plus a real memcached, in a fresh temp dir on free ports.
//
//     gatehouse::e2e::Stack stack;                       // started and healthy, or it threw
//     HttpClient client;
//     auto r = client.get(stack.https_url("/healthz"));
//
// Ordinary tests share one instance (shared_stack()); a test that stops or signals something others
// rely on makes its own. Every wait is bounded; the destructor stops everything it started and removes
// the temp dir (kept when GATEHOUSE_KEEP_TEST_DIR is set in the environment).
// Make a Stack on the main thread (Boost.Test runs the tests there): its processes get SIGTERM when
// the thread that started them ends, so a crashed test run leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::e2e {

class Stack;

struct StackOptions {
    bool throttle = false;      // GATEHOUSE_THROTTLE (off by default: tests of other things)
    bool test_hooks = true;     // GATEHOUSE_TEST_HOOKS (/__test__/sleep …)
    bool own_memcached = true;  // true: the fixture runs memcached (stop_/start_memcached work);
                                // false: stack.sh starts its own, as `make run` does
    int workers = 2;            // GATEHOUSE_WORKERS
    bool new_device_mail = false;  // GATEHOUSE_NEW_DEVICE_MAIL (off by default: other tests count their mails)
    bool staff_require_mfa = false;  // GATEHOUSE_STAFF_REQUIRE_MFA (off: the staff tests of other things;
                                     // test_mfa.cpp runs the default, on)
    std::string listen_address = {};  // GATEHOUSE_LISTEN_ADDRESS (e.g. "127.0.0.2"), and the URLs' host;
                                      // empty: nginx on every address, the URLs on 127.0.0.1
    // Runs once the temp dir exists, before stack.sh starts (e.g. to lay out files under var_dir()).
    std::function<void(const Stack&)> prepare = {};
    // More environment for stack.sh, e.g. {"GATEHOUSE_EXPOSE_OTP", "1"}; overrides the above.
    std::vector<std::pair<std::string, std::string>> env;
    std::chrono::seconds start_timeout{20};
    bool wait_healthy = true;   // false: the constructor returns once stack.sh is started
};

class Stack {
public:
    explicit Stack(StackOptions options = {});  // throws std::runtime_error (with the log tail) on failure
    ~Stack();
    Stack(const Stack&) = delete;
    Stack& operator=(const Stack&) = delete;

    std::string https_url(std::string_view path = "/") const;  // https://<listen address or 127.0.0.1>:<port><path>
    std::string http_url(std::string_view path = "/") const;
    int https_port() const { return https_port_; }
    int http_port() const { return http_port_; }
    std::string address() const;  // the address its nginx answers on: the listen address, else 127.0.0.1
    const std::string& dir() const { return dir_; }          // the temp dir
    const std::string& var_dir() const { return var_dir_; }  // GATEHOUSE_VAR
    // GATEHOUSE_MEMCACHED as the stack's gatehouse has it ("" when stack.sh starts its own).
    std::string memcached_setting() const;
    // GATEHOUSE_DATABASE of the stack: "" (SQLite in $VAR) unless the suite runs under
    // tests/with-postgres.sh (a fresh PostgreSQL database per stack) or the test set it.
    const std::string& database_setting() const { return database_; }
    bool on_postgresql() const { return !database_.empty() && !database_.starts_with("sqlite:"); }
    // What store::Database and the engine's own shell (sqlite3, psql) open: the URI or the file.
    std::string database_location() const { return on_postgresql() ? database_ : var_dir_ + "/gatehouse.db"; }
    const std::string& memcached_socket() const { return memcached_socket_; }
    const std::string& bin() const { return bin_; }  // the gatehouse binary the stack runs
    const std::string& home() const { return home_; }  // the checkout: nginx/, templates/, db/

    pid_t stack_pid() const { return stack_pid_; }  // nginx/stack.sh; 0 once it has been reaped
    pid_t master_pid() const;                       // $VAR/run/gatehouse.pid; throws when missing
    pid_t run_pid(std::string_view name) const;     // $VAR/run/<name>.pid, 0 when missing

    // The fixture's own memcached (own_memcached only).
    void stop_memcached();
    void start_memcached();
    bool memcached_running() const { return memcached_pid_ > 0; }

    // SIGTERM to stack.sh and a bounded wait for it to exit. Returns its wait status, or -1 when it
    // did not exit in time (then the whole tree is killed). Idempotent.
    int stop(std::chrono::seconds timeout = std::chrono::seconds(20));

    // A power cut, as near as one machine comes: SIGKILL to stack.sh and every server's process group
    // at once, nothing stopped in order; then start_again() runs stack.sh anew on the same state dir.
    void power_cut();
    void start_again();

    std::string log() const;                          // stack.log: stack.sh, master and workers
    std::string log_tail(std::size_t lines = 40) const;

private:
    void launch_stack();
    void wait_healthy();
    void kill_everything();
    void cleanup() noexcept;

    StackOptions options_;
    std::string home_;  // the checkout (holds nginx/stack.sh)
    std::string bin_;   // the gatehouse binary
    std::string dir_, var_dir_, memcached_socket_, log_path_, database_;
    int https_port_ = 0, http_port_ = 0;
    pid_t stack_pid_ = 0;
    pid_t memcached_pid_ = 0;
    int stack_status_ = -1;
};

// The stack the ordinary tests share, started on first use. If it failed to start, every later call
// throws the same error at once instead of trying again.
Stack& shared_stack();
// `gatehouse <args>` as the operator runs it against the stack's state dir, with `input` on its stdin
// (a password); its output goes to <dir>/gatehouse-cli.log. The exit status.
int run_gatehouse(const Stack& stack, const std::string& args, const std::string& input = {});
// The same, with more environment (e.g. {"GATEHOUSE_MEMCACHED", "/nowhere.sock"}, which overrides
// the stack's) and its standard output kept (stderr still goes to gatehouse-cli.log).
struct CommandResult {
    int status = -1;
    std::string out;
};
CommandResult run_gatehouse_output(const Stack& stack, const std::string& args, const std::string& input = {},
                                   const std::vector<std::pair<std::string, std::string>>& env = {});
void stop_shared_stack();  // the global fixture in main.cpp calls this at the end

// --- small process and timing helpers for the tests ---

// A server a test starts itself (a host's own nginx, another application), spawned as the stack's
// servers are: a process group of its own, stdout and stderr appended to log_path, this process's
// environment, SIGTERM'd should the test process die. stop() (and the destructor) sends SIGTERM and
// waits up to 10 s, then SIGKILLs the group.
class ChildProcess {
public:
    ChildProcess(const std::string& program, const std::vector<std::string>& argv, const std::string& log_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    pid_t pid() const { return pid_; }
    void stop();

private:
    pid_t pid_ = 0;
};

// A free TCP port on 0.0.0.0 (bound, then released).
int free_port();
// Something accepts connections on this unix socket.
bool unix_socket_accepts(const std::string& path);

// The process exists and is not a zombie.
bool process_running(pid_t pid);
// Every live process whose ancestor chain reaches pid (from /proc), pid excluded.
std::vector<pid_t> descendants(pid_t pid);
// The session a live process belongs to; 0 when it is gone or a zombie.
pid_t session_of(pid_t pid);
// Every live process of a session, its leader excluded (stack.sh starts each server with setsid;
// a master's workers and mailer stay in its session even once an exited master left them to init).
std::vector<pid_t> session_members(pid_t session);
// Calls done() every interval until it returns true (→ true) or timeout passes (→ false).
bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& done,
                std::chrono::milliseconds interval = std::chrono::milliseconds(50));

}  // namespace gatehouse::e2e
