#pragma once
// A worker: one FCGX_Accept_r loop on the shared socket, one request at a time (like PHP-FPM's
// children). It opens its own SQLite connection and memcached handle after the fork.
#include "gatehouse/accounts/password_policy.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/hashing_slots.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/core/metrics.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/server/scoreboard.hpp"

#include <signal.h>

namespace gatehouse::server {

struct WorkerSetup {
    int listen_fd;
    int slot;  // this worker's scoreboard slot
    const core::Config& config;
    const core::Templates& templates;
    const accounts::PasswordPolicy& policy;
    Scoreboard& scoreboard;
    const core::Log& log;
    sigset_t signal_mask;  // the master's mask before it blocked its signals to fork this worker
    const std::string& dummy_hash;  // PasswordHasher's, made once by the master
    core::Metrics& metrics;         // shared with the master and the other workers
    core::HashingSlots* hashing_slots;  // likewise; none when GATEHOUSE_HASH_SLOTS=0
};

// Runs in the child after fork, which the master does with its signals blocked; never returns (exits 0
// when drained or recycled).
[[noreturn]] void worker_main(const WorkerSetup& setup);

}  // namespace gatehouse::server
