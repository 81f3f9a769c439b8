#pragma once
// The workers' shared status table (like PHP-FPM's scoreboard): an anonymous shared mapping made by
// the master before it forks, one slot per worker, written only by that worker with relaxed atomics.
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <sys/types.h>

namespace gatehouse::server {

enum class WorkerState : std::uint8_t { Empty = 0, Idle = 1, Busy = 2, Draining = 3 };

struct ScoreboardSlot {
    std::atomic<pid_t> pid;
    std::atomic<std::uint8_t> state;
    std::atomic<std::uint64_t> requests;
    std::atomic<std::int64_t> started;  // unix seconds
};

class Scoreboard {
public:
    explicit Scoreboard(int slots);
    ~Scoreboard();
    Scoreboard(const Scoreboard&) = delete;
    Scoreboard& operator=(const Scoreboard&) = delete;

    int size() const { return slots_; }
    ScoreboardSlot& slot(int index) { return table_[index]; }
    int free_slot() const;          // -1 when full
    void release(pid_t pid);        // the worker with this pid is gone
    nlohmann::json snapshot() const;

private:
    int slots_;
    ScoreboardSlot* table_;
};

}  // namespace gatehouse::server
