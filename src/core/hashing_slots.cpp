#include "gatehouse/core/hashing_slots.hpp"

#include "gatehouse/core/errors.hpp"

#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

namespace gatehouse::core {
namespace {

constexpr int kMaxSlots = 256;
constexpr pid_t kFree = 0;
constexpr pid_t kWiping = -1;  // a dead holder's slot, being wiped by whoever freed it
// How long a waiter sleeps before it looks for slots of dead holders (and retries).
constexpr std::chrono::milliseconds kSlice{50};

static_assert(std::atomic<pid_t>::is_always_lock_free, "shared slot holders must be lock-free");

std::size_t round_up(std::size_t n, std::size_t unit) { return (n + unit - 1) / unit * unit; }

timespec monotonic_after(std::chrono::nanoseconds wait) {
    timespec at{};
    clock_gettime(CLOCK_MONOTONIC, &at);
    const auto ns = at.tv_nsec + wait.count();
    at.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
    at.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    return at;
}

bool process_gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

struct HashingSlots::Header {
    sem_t free_slots;  // counts the free slots (give or take a moment, see repair)
    std::atomic<pid_t> holders[kMaxSlots];
};

HashingSlots::HashingSlots(int slots, std::size_t slot_kib, std::chrono::milliseconds max_wait)
    : slots_(slots), max_wait_(max_wait), creator_(getpid()) {
    if (slots < 1 || slots > kMaxSlots)
        throw std::invalid_argument("hashing slots: between 1 and " + std::to_string(kMaxSlots) + ", got " +
                                    std::to_string(slots));
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    slot_bytes_ = slot_kib * 1024;
    header_bytes_ = round_up(sizeof(Header), page);
    mapped_bytes_ = header_bytes_ + round_up(slot_bytes_, page) * static_cast<std::size_t>(slots);
    void* mapped = mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mapped == MAP_FAILED)
        throw std::runtime_error("hashing slots: cannot map " + std::to_string(mapped_bytes_ >> 20) +
                                 " MiB: " + std::strerror(errno));
    header_ = new (mapped) Header;
    memory_ = static_cast<std::uint8_t*>(mapped) + header_bytes_;
    for (auto& holder : header_->holders) holder.store(kFree, std::memory_order_relaxed);
    if (sem_init(&header_->free_slots, 1, static_cast<unsigned>(slots)) != 0) {
        const int error = errno;
        munmap(mapped, mapped_bytes_);
        throw std::system_error(error, std::generic_category(), "hashing slots: sem_init");
    }
    // Fault every page in now, in the master, so that no hash pays for it (MAP_POPULATE may leave a
    // page out when memory is short); and keep what hashes leave there out of core dumps.
    volatile std::uint8_t* touch = memory_;
    for (std::size_t offset = 0; offset < mapped_bytes_ - header_bytes_; offset += page) touch[offset] = 0;
    if (mapped_bytes_ > header_bytes_) madvise(memory_, mapped_bytes_ - header_bytes_, MADV_DONTDUMP);
}

HashingSlots::~HashingSlots() {
    if (getpid() == creator_) sem_destroy(&header_->free_slots);
    munmap(header_, mapped_bytes_);
}

std::uint8_t* HashingSlots::slot_memory(int index) const {
    return memory_ + (mapped_bytes_ - header_bytes_) / static_cast<std::size_t>(slots_) * static_cast<std::size_t>(index);
}

int HashingSlots::claim_free() {
    const pid_t self = getpid();
    for (int i = 0; i < slots_; ++i) {
        pid_t expected = kFree;
        if (header_->holders[i].compare_exchange_strong(expected, self, std::memory_order_acq_rel)) return i;
    }
    return -1;
}

HashingSlots::Lease HashingSlots::acquire() {
    const auto deadline = std::chrono::steady_clock::now() + max_wait_;
    while (true) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds::zero())
            throw Unavailable("password hashing: no hashing slot came free within " +
                              std::to_string(max_wait_.count()) + " ms");
        const timespec until = monotonic_after(std::min<std::chrono::nanoseconds>(left, kSlice));
        if (sem_clockwait(&header_->free_slots, CLOCK_MONOTONIC, &until) == 0) {
            const int index = claim_free();
            if (index >= 0) return Lease(this, index);
            continue;  // a count repair() added too many: dropped, and wait again
        }
        if (errno == EINTR) continue;
        if (errno != ETIMEDOUT) throw std::system_error(errno, std::generic_category(), "hashing slots: sem_clockwait");
        repair();
    }
}

void HashingSlots::release(int index) {
    pid_t expected = getpid();
    // Only the holder gives a slot back (not a forked child that inherited the lease).
    if (header_->holders[index].compare_exchange_strong(expected, kFree, std::memory_order_acq_rel))
        sem_post(&header_->free_slots);
}

bool HashingSlots::free_if_held_by(int index, pid_t holder) {
    if (!header_->holders[index].compare_exchange_strong(holder, kWiping, std::memory_order_acq_rel)) return false;
    explicit_bzero(slot_memory(index), slot_bytes_);
    header_->holders[index].store(kFree, std::memory_order_release);
    sem_post(&header_->free_slots);
    return true;
}

int HashingSlots::release_held_by(pid_t pid) {
    int freed = 0;
    for (int i = 0; i < slots_; ++i)
        if (header_->holders[i].load(std::memory_order_acquire) == pid && free_if_held_by(i, pid)) ++freed;
    return freed;
}

// A process killed between its sem_wait and its claim took a count and no slot; one killed while it
// held a slot kept the slot. Both leave the semaphore below the free slots, so a waiter that slept a
// whole slice frees the slots of the dead and counts the free slots again. Racing a live releaser
// (between its store and its sem_post) it may post one too many: a count that finds no free slot is
// dropped in acquire, and the holders, not the count, are the cap.
void HashingSlots::repair() {
    const pid_t self = getpid();
    for (int i = 0; i < slots_; ++i) {
        const pid_t holder = header_->holders[i].load(std::memory_order_acquire);
        if (holder > 0 && holder != self && process_gone(holder)) free_if_held_by(i, holder);
    }
    int free_slots = 0;
    for (int i = 0; i < slots_; ++i)
        if (header_->holders[i].load(std::memory_order_acquire) == kFree) ++free_slots;
    int count = 0;
    sem_getvalue(&header_->free_slots, &count);
    for (; count < free_slots; ++count) sem_post(&header_->free_slots);
}

int HashingSlots::in_use() const {
    int held = 0;
    for (int i = 0; i < slots_; ++i)
        if (header_->holders[i].load(std::memory_order_relaxed) != kFree) ++held;
    return held;
}

HashingSlots::Lease::~Lease() {
    if (owner_) owner_->release(index_);
}

}  // namespace gatehouse::core
