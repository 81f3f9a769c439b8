#include "gatehouse/server/master.hpp"

#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/core/hashing_slots.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/server/mailer.hpp"
#include "gatehouse/server/notify.hpp"
#include "gatehouse/server/scoreboard.hpp"
#include "gatehouse/server/worker.hpp"
#include "gatehouse/web/app.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <vector>
#include <thread>

namespace gatehouse::server {
namespace {

// Signal flags and the self-pipe: the master's only mutable globals (DESIGN.md).
volatile sig_atomic_t master_stop_requested = 0;
volatile sig_atomic_t master_roll_requested = 0;
int master_wake_fd = -1;

extern "C" void master_on_signal(int signal_number) {
    const int saved = errno;
    if (signal_number == SIGTERM || signal_number == SIGINT || signal_number == SIGQUIT) master_stop_requested = 1;
    if (signal_number == SIGHUP) master_roll_requested = 1;
    if (master_wake_fd >= 0) {
        const char byte = 1;
        [[maybe_unused]] auto n = write(master_wake_fd, &byte, 1);
    }
    errno = saved;
}

sigset_t master_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&signals, s);
    return signals;
}

void master_install_signals() {
    struct sigaction sa {};
    sa.sa_handler = master_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) sigaction(s, &sa, nullptr);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, nullptr);
}

// fork() with the master's signals blocked. A child inherits master_on_signal, and a TERM sent to it
// before it has its own handlers would run that there and be lost (the master TERMs every worker,
// fresh ones too, when it drains); blocked, it waits for the child's handlers. The parent gets
// old_mask back at once, so what came for it meanwhile is delivered then; the child keeps the
// signals blocked until its handlers are in place, then restores old_mask itself.
pid_t master_fork(sigset_t& old_mask) {
    const sigset_t blocked = master_signals();
    sigprocmask(SIG_BLOCK, &blocked, &old_mask);
    const pid_t pid = fork();
    if (pid != 0) {
        const int fork_errno = errno;
        sigprocmask(SIG_SETMASK, &old_mask, nullptr);
        errno = fork_errno;
    }
    return pid;
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const char* name = sigabbrev_np(WTERMSIG(status));
        return std::string("killed by SIG") + (name ? name : std::to_string(WTERMSIG(status)).c_str());
    }
    return "stopped";
}

// The counters' label sets: the route table's patterns and the throttle's scopes.
core::MetricsLayout metrics_layout() {
    core::MetricsLayout layout;
    for (const auto& [pattern, methods] : web::route_table()) layout.routes.push_back(pattern);
    layout.throttle_limits.assign(accounts::kThrottleScopes.begin(), accounts::kThrottleScopes.end());
    return layout;
}

// The slots cap how many hash at once; only with GATEHOUSE_ARGON2_ARENA do they hold memory (the
// configured argon2id cost each) for libargon2 to hash in.
std::unique_ptr<core::HashingSlots> make_hashing_slots(const core::Config& config) {
    const int slots = config.effective_hash_slots();
    if (slots == 0) return nullptr;
    const std::size_t kib = config.argon2_arena ? static_cast<std::size_t>(config.argon2_m_kib) : 0;
    return std::make_unique<core::HashingSlots>(slots, kib);
}

struct WorkerRecord {
    int generation;
    std::chrono::steady_clock::time_point started;
};

class Master {
public:
    Master(const core::Config& config, core::Templates& templates, const accounts::PasswordPolicy& policy,
           const core::Log& log)
        : config_(config),
          templates_(templates),
          policy_(policy),
          log_(log),
          workers_wanted_(config.effective_workers()),
          scoreboard_(2 * workers_wanted_ + 2),
          metrics_(metrics_layout()) {}

    int run() {
        if (!open_socket()) return 1;
        int pipe_fds[2];
        if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
        wake_read_ = pipe_fds[0];
        master_wake_fd = pipe_fds[1];
        master_install_signals();
        log_.info("master started: " + std::to_string(workers_wanted_) + " workers on " + config_.socket_path());

        while (true) {
            reap();
            if (master_stop_requested && !stopping_) begin_drain();
            if (master_roll_requested && !stopping_) roll();
            if (!stopping_) {
                fill();
                keep_mailer();
                announce_ready();
            }
            if (stopping_) {
                if (workers_.empty() && mailer_pid_ <= 0) break;
                if (std::chrono::steady_clock::now() > drain_deadline_) {
                    for (auto& [pid, record] : workers_) kill(pid, SIGKILL);
                    if (mailer_pid_ > 0) kill(mailer_pid_, SIGKILL);
                    log_.warning("drain timeout: killed the remaining workers");
                    drain_deadline_ = std::chrono::steady_clock::time_point::max();
                }
            }
            wait_for_event();
        }
        ::close(listen_fd_);
        ::unlink(config_.socket_path().c_str());
        log_.info("master stopped");
        return 0;
    }

private:
    bool open_socket() {
        const std::string path = config_.socket_path();
        const std::string dir = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {  // libfcgi would exit with a bare perror
            log_.error("cannot listen on " + path + ": no directory " + dir);
            return false;
        }
        ::unlink(path.c_str());
        if (FCGX_Init() != 0) return false;
        listen_fd_ = FCGX_OpenSocket(path.c_str(), 1024);
        if (listen_fd_ < 0) {
            log_.error("cannot listen on " + path);
            return false;
        }
        // Like php-fpm's listen.mode 0660 with listen.group: nginx's workers (another user when started
        // as root) reach it through its group; no other local user can connect and pose as nginx.
        // Root gives it to any group; an unprivileged master (gatehouse.service's User=gatehouse, with
        // SupplementaryGroups=www-data) to a group it is a member of; a developer's is left as it is.
        ::chmod(path.c_str(), 0660);
        if (config_.socket_group.empty()) return true;
        const group* nginx_group = ::getgrnam(config_.socket_group.c_str());
        if (::geteuid() == 0 && !nginx_group) {
            log_.error("GATEHOUSE_SOCKET_GROUP: no group named " + config_.socket_group);
            return false;
        }
        if (nginx_group && (::geteuid() == 0 || is_member(nginx_group->gr_gid))) {
            if (::chown(path.c_str(), static_cast<uid_t>(-1), nginx_group->gr_gid) != 0) {
                log_.error("cannot give " + path + " to group " + config_.socket_group + ": " + strerror(errno));
                return false;
            }
        }
        return true;
    }

    static bool is_member(gid_t gid) {
        std::vector<gid_t> groups(static_cast<std::size_t>(std::max(0, ::getgroups(0, nullptr))));
        groups.resize(static_cast<std::size_t>(std::max(0, ::getgroups(static_cast<int>(groups.size()), groups.data()))));
        return ::getegid() == gid || std::find(groups.begin(), groups.end(), gid) != groups.end();
    }

    // READY=1 once the workers of the current generation are all forked: at the start, and again after
    // a SIGHUP's new workers are in (php-fpm's moment too: the socket takes connections meanwhile).
    void announce_ready() {
        if (!announce_ready_ || live_in_generation() < workers_wanted_) return;
        announce_ready_ = false;
        notify_ready("serving on " + config_.socket_path() + " with " + std::to_string(workers_wanted_) + " workers");
    }

    void wait_for_event() {
        pollfd p{wake_read_, POLLIN, 0};
        poll(&p, 1, 250);
        char buffer[64];
        while (read(wake_read_, buffer, sizeof buffer) > 0) {
        }
    }

    void spawn() {
        const int slot = scoreboard_.free_slot();
        if (slot < 0) return;
        scoreboard_.slot(slot).pid = -1;  // reserved until the child writes its own pid
        sigset_t old_mask;
        const pid_t pid = master_fork(old_mask);
        if (pid < 0) {
            scoreboard_.slot(slot).pid = 0;
            log_.error(std::string("fork failed: ") + strerror(errno));
            return;
        }
        if (pid == 0) {
            ::close(wake_read_);
            ::close(master_wake_fd);
            master_wake_fd = -1;
            scoreboard_.slot(slot).pid = getpid();
            worker_main(WorkerSetup{listen_fd_, slot, config_, templates_, policy_, scoreboard_, log_, old_mask,
                                    dummy_hash_, metrics_, hashing_slots_.get()});
        }
        scoreboard_.slot(slot).pid = pid;
        workers_[pid] = {generation_, std::chrono::steady_clock::now()};
    }

    // The mailer: one process delivering the outbox, started with the workers and kept alive.
    void spawn_mailer() {
        sigset_t old_mask;  // the mailer unblocks the master's signals itself, once its handlers are in
        const pid_t pid = master_fork(old_mask);
        if (pid < 0) {
            log_.error(std::string("fork of the mailer failed: ") + strerror(errno));
            return;
        }
        if (pid == 0) {
            ::close(wake_read_);
            ::close(master_wake_fd);
            master_wake_fd = -1;
            ::close(listen_fd_);  // it serves no request
            mailer_main(config_, log_);
        }
        mailer_pid_ = pid;
        mailer_started_ = std::chrono::steady_clock::now();
    }

    void keep_mailer() {
        if (mailer_pid_ > 0 || std::chrono::steady_clock::now() < next_mailer_allowed_) return;
        spawn_mailer();
    }

    int live_in_generation() const {
        int n = 0;
        for (const auto& [pid, record] : workers_) n += record.generation == generation_;
        return n;
    }

    void fill() {
        // A worker that dies within a second of starting is not restarted in a tight loop.
        if (std::chrono::steady_clock::now() < next_spawn_allowed_) return;
        while (live_in_generation() < workers_wanted_) spawn();
    }

    void reap() {
        int status = 0;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (pid == mailer_pid_) {
                reap_mailer(status);
                continue;
            }
            auto it = workers_.find(pid);
            if (it == workers_.end()) continue;
            const bool crashed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            const auto lived = std::chrono::steady_clock::now() - it->second.started;
            if (crashed) {
                log_.warning("worker " + std::to_string(pid) + " " + describe_exit(status) +
                             (stopping_ ? "" : "; starting another"));
                if (lived < std::chrono::seconds(1)) next_spawn_allowed_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
            } else {
                log_.info("worker " + std::to_string(pid) + " " + describe_exit(status));
            }
            if (!stopping_)
                metrics_.count_worker_restart(crashed ? core::WorkerExit::Crashed : core::WorkerExit::Recycled);
            scoreboard_.release(pid);
            if (hashing_slots_ && hashing_slots_->release_held_by(pid) > 0)
                log_.warning("worker " + std::to_string(pid) + " died hashing a password: its hashing slot is wiped and free");
            workers_.erase(it);
        }
    }

    void reap_mailer(int status) {
        const bool crashed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        const std::string what = "mailer " + std::to_string(mailer_pid_) + " " + describe_exit(status);
        if (stopping_) {
            log_.write(crashed ? core::LogLevel::Warning : core::LogLevel::Info, what);
        } else {
            log_.warning(what + "; starting another");
            // One that dies at once (database missing, say) is restarted every few seconds, not in a loop.
            if (std::chrono::steady_clock::now() - mailer_started_ < std::chrono::seconds(5))
                next_mailer_allowed_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        }
        mailer_pid_ = 0;
    }

    void begin_drain() {
        stopping_ = true;
        notify_stopping();
        drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(config_.drain_timeout);
        log_.info("draining " + std::to_string(workers_.size()) + " workers");
        for (auto& [pid, record] : workers_) kill(pid, SIGTERM);
        if (mailer_pid_ > 0) kill(mailer_pid_, SIGTERM);  // it finishes the message in hand
    }

    // New workers up before the old ones go.
    void roll() {
        master_roll_requested = 0;
        notify_reloading();
        announce_ready_ = true;
        log_.info("rolling restart");
        templates_.reload();
        const int old_generation = generation_++;
        fill();
        for (auto& [pid, record] : workers_)
            if (record.generation == old_generation) kill(pid, SIGTERM);
    }

    const core::Config& config_;
    core::Templates& templates_;
    const accounts::PasswordPolicy& policy_;
    const core::Log& log_;
    std::string dummy_hash_ = accounts::PasswordHasher(accounts::hasher_settings(config_)).dummy_hash();
    int workers_wanted_;
    Scoreboard scoreboard_;
    core::Metrics metrics_;  // made before any fork, like the scoreboard: every worker shares it
    std::unique_ptr<core::HashingSlots> hashing_slots_ = make_hashing_slots(config_);  // likewise
    int listen_fd_ = -1;
    int wake_read_ = -1;
    int generation_ = 0;
    bool stopping_ = false;
    bool announce_ready_ = true;
    std::chrono::steady_clock::time_point drain_deadline_{};
    std::chrono::steady_clock::time_point next_spawn_allowed_{};
    std::map<pid_t, WorkerRecord> workers_;
    pid_t mailer_pid_ = 0;
    std::chrono::steady_clock::time_point mailer_started_{};
    std::chrono::steady_clock::time_point next_mailer_allowed_{};
};

}  // namespace

int master_run(const core::Config& config, core::Templates& templates, const accounts::PasswordPolicy& policy,
               const core::Log& log) {
    Master master(config, templates, policy, log);
    return master.run();
}

}  // namespace gatehouse::server
