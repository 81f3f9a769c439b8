#pragma once
// Memory for password hashes, shared by all workers, and the cap on how many hash at once.
//
// The master maps it before it forks (as the scoreboard): N slots of slot_kib KiB each, faulted in
// once, so a hash written into a slot touches memory that is already there instead of mapping,
// faulting and unmapping fresh pages every time (on a virtual machine whose freed pages go back to the
// host, that can be most of a hash's time); with 0 KiB the slots are only the cap. At most N hashes
// run at once across every process that shares it: more than cores would only make each slower.
//
// Each slot records the pid that holds it, and holding a slot is the cap itself (taken by compare and
// swap: lock-free, at most N holders). A process-shared POSIX semaphore in the same mapping counts the
// free slots for the waiters to sleep on. A process killed while it holds a slot (SIGKILL) does not lose
// it: the master frees the slots of a worker it reaps, and a waiter that waits longer than a moment frees
// those of processes that are gone (kill(pid, 0) says ESRCH) and puts the semaphore's count right.
// A freed slot of a dead holder is wiped first: it may hold what was derived from a password.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sys/types.h>

namespace gatehouse::core {

class HashingSlots {
public:
    class Lease;

    // slots ≥ 1 of slot_kib KiB; a waiter that gets none within max_wait throws Unavailable (503).
    // std::runtime_error when the memory cannot be mapped, std::invalid_argument for 0 slots.
    HashingSlots(int slots, std::size_t slot_kib, std::chrono::milliseconds max_wait = std::chrono::seconds(10));
    ~HashingSlots();
    HashingSlots(const HashingSlots&) = delete;
    HashingSlots& operator=(const HashingSlots&) = delete;

    // Waits for a free slot (EINTR does not end the wait; max_wait does) and holds it until the lease
    // ends. Whoever takes one counts against the cap, whether it hashes in the slot's memory or not.
    Lease acquire();

    // Frees and wipes the slots that pid holds (the master, for a worker it has reaped): returns how many.
    int release_held_by(pid_t pid);

    int slots() const { return slots_; }
    std::size_t slot_bytes() const { return slot_bytes_; }
    int in_use() const;  // slots held now (by any process)

private:
    struct Header;
    std::uint8_t* slot_memory(int index) const;
    int claim_free();
    void release(int index);
    bool free_if_held_by(int index, pid_t holder);  // wipes, frees and posts; false when another did it
    void repair();  // frees the slots of dead holders, then brings the semaphore up to the free slots

    int slots_;
    std::size_t slot_bytes_;
    std::chrono::milliseconds max_wait_;
    std::size_t header_bytes_;
    std::size_t mapped_bytes_;
    pid_t creator_;
    Header* header_;
    std::uint8_t* memory_;
};

// One held slot; movable, released (slot and semaphore) when it ends.
class HashingSlots::Lease {
public:
    Lease(Lease&& other) noexcept : owner_(other.owner_), index_(other.index_) { other.owner_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    std::uint8_t* memory() const { return owner_->slot_memory(index_); }
    std::size_t size() const { return owner_->slot_bytes_; }
    int index() const { return index_; }

private:
    friend class HashingSlots;
    Lease(HashingSlots* owner, int index) : owner_(owner), index_(index) {}
    HashingSlots* owner_;
    int index_;
};

}  // namespace gatehouse::core
