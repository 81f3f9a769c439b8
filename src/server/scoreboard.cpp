#include "gatehouse/server/scoreboard.hpp"

#include <sys/mman.h>

#include <ctime>
#include <new>
#include <stdexcept>

namespace gatehouse::server {
namespace {
const char* state_name(std::uint8_t s) {
    switch (static_cast<WorkerState>(s)) {
        case WorkerState::Idle: return "idle";
        case WorkerState::Busy: return "busy";
        case WorkerState::Draining: return "draining";
        default: return "empty";
    }
}
}  // namespace

Scoreboard::Scoreboard(int slots) : slots_(slots) {
    void* memory = mmap(nullptr, sizeof(ScoreboardSlot) * static_cast<std::size_t>(slots), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::runtime_error("scoreboard: mmap failed");
    table_ = static_cast<ScoreboardSlot*>(memory);
    for (int i = 0; i < slots; ++i) {
        new (&table_[i]) ScoreboardSlot{};
        table_[i].pid = 0;
        table_[i].state = static_cast<std::uint8_t>(WorkerState::Empty);
        table_[i].requests = 0;
        table_[i].started = 0;
    }
}

Scoreboard::~Scoreboard() { munmap(table_, sizeof(ScoreboardSlot) * static_cast<std::size_t>(slots_)); }

int Scoreboard::free_slot() const {
    for (int i = 0; i < slots_; ++i)
        if (table_[i].pid.load() == 0) return i;
    return -1;
}

void Scoreboard::release(pid_t pid) {
    for (int i = 0; i < slots_; ++i) {
        if (table_[i].pid.load() == pid) {
            table_[i].state = static_cast<std::uint8_t>(WorkerState::Empty);
            table_[i].requests = 0;
            table_[i].pid = 0;
        }
    }
}

nlohmann::json Scoreboard::snapshot() const {
    nlohmann::json workers = nlohmann::json::array();
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (int i = 0; i < slots_; ++i) {
        const pid_t pid = table_[i].pid.load(std::memory_order_relaxed);
        if (pid == 0) continue;
        workers.push_back({{"pid", pid},
                           {"state", state_name(table_[i].state.load(std::memory_order_relaxed))},
                           {"requests", table_[i].requests.load(std::memory_order_relaxed)},
                           {"uptime_seconds", now - table_[i].started.load(std::memory_order_relaxed)}});
    }
    return {{"workers", workers}};
}

}  // namespace gatehouse::server
