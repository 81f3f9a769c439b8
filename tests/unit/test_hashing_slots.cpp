// core::HashingSlots across forked processes, as the workers share them: never more hashes at once than
// slots, a holder killed with SIGKILL loses no slot (and leaves nothing of its hash behind), signals do
// not end a wait, and a wait that cannot end in time is a 503, not a hang.
#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/core/errors.hpp"
#include "gatehouse/core/hashing_slots.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

using gatehouse::core::HashingSlots;
using namespace std::chrono_literals;

namespace {

// Counters every forked child sees.
struct Shared {
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::atomic<int> hashes{0};
};

Shared* map_shared() {
    void* memory = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    BOOST_TEST_REQUIRE(memory != MAP_FAILED);
    return new (memory) Shared;
}

bool all_zero(const std::uint8_t* memory, std::size_t size) {
    return std::all_of(memory, memory + size, [](std::uint8_t b) { return b == 0; });
}

int exit_code(pid_t pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A child that takes a slot, writes into it as a hash would, tells the parent and waits to be killed.
pid_t child_holding_a_slot(HashingSlots& slots) {
    int ready[2];
    BOOST_TEST_REQUIRE(pipe(ready) == 0);
    const pid_t pid = fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        auto lease = slots.acquire();
        std::memset(lease.memory(), 0x5a, lease.size());
        (void)!write(ready[1], "x", 1);
        while (true) pause();
    }
    char byte = 0;
    close(ready[1]);
    BOOST_TEST_REQUIRE(read(ready[0], &byte, 1) == 1);
    close(ready[0]);
    return pid;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hashing_slots)

// Six processes hashing in a loop with two slots: at most two hash at once, and two do.
BOOST_AUTO_TEST_CASE(never_more_hashes_at_once_than_slots_across_processes) {
    constexpr int kSlots = 2, kChildren = 6, kRounds = 12;
    const gatehouse::accounts::argon2id::Params params{1024, 1, 1};
    HashingSlots slots(kSlots, 1024, 30s);
    Shared* shared = map_shared();
    std::vector<pid_t> children;
    for (int c = 0; c < kChildren; ++c) {
        const pid_t pid = fork();
        BOOST_TEST_REQUIRE(pid >= 0);
        if (pid == 0) {
            for (int round = 0; round < kRounds; ++round) {
                auto lease = slots.acquire();
                const int now = shared->running.fetch_add(1) + 1;
                int most = shared->most.load();
                while (now > most && !shared->most.compare_exchange_weak(most, now)) {
                }
                gatehouse::accounts::argon2id::derive_in(lease.memory(), lease.size(), "pw", "saltsalt", params, 32);
                std::this_thread::sleep_for(1ms);  // long enough for the others to pile up behind
                shared->running.fetch_sub(1);
                shared->hashes.fetch_add(1);
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) BOOST_TEST(exit_code(pid) == 0);
    BOOST_TEST(shared->hashes.load() == kChildren * kRounds);
    BOOST_TEST(shared->most.load() == kSlots);
    BOOST_TEST(slots.in_use() == 0);
    munmap(shared, sizeof(Shared));
}

// Nobody reaps for the slots here (as in a command or a test): a waiter finds the dead holder itself,
// wipes what it left in the slot and gets all the slots, and not one more.
BOOST_AUTO_TEST_CASE(a_holder_killed_with_sigkill_loses_no_slot) {
    HashingSlots slots(2, 64, 1500ms);
    const pid_t holder = child_holding_a_slot(slots);
    BOOST_TEST(slots.in_use() == 1);
    kill(holder, SIGKILL);
    BOOST_TEST(exit_code(holder) == 128 + SIGKILL);

    auto first = slots.acquire();
    auto second = slots.acquire();
    BOOST_TEST(first.index() != second.index());
    BOOST_TEST(all_zero(first.memory(), first.size()));
    BOOST_TEST(all_zero(second.memory(), second.size()), "the dead holder's hash is wiped");
    BOOST_CHECK_THROW(slots.acquire(), gatehouse::core::Unavailable);  // no count too many
}

// The master frees the slots of a worker it reaps straight away, without waiting for a waiter.
BOOST_AUTO_TEST_CASE(the_slot_of_a_reaped_worker_is_freed_at_once) {
    HashingSlots slots(1, 64, 1500ms);
    const pid_t holder = child_holding_a_slot(slots);
    kill(holder, SIGKILL);
    BOOST_TEST(exit_code(holder) == 128 + SIGKILL);
    BOOST_TEST(slots.release_held_by(holder) == 1);
    BOOST_TEST(slots.release_held_by(holder) == 0);
    BOOST_TEST(slots.in_use() == 0);
    const auto start = std::chrono::steady_clock::now();
    auto lease = slots.acquire();
    BOOST_TEST((std::chrono::steady_clock::now() - start < 40ms), "no wait for a repair");
    BOOST_TEST(all_zero(lease.memory(), lease.size()));
}

// A signal (a worker asked to stop, SIGHUP…) interrupts sem_clockwait: the wait goes on until a slot
// comes free.
BOOST_AUTO_TEST_CASE(a_signal_does_not_end_a_wait) {
    HashingSlots slots(1, 4, 10s);
    auto held = std::make_optional(slots.acquire());
    const pid_t waiter = fork();
    BOOST_TEST_REQUIRE(waiter >= 0);
    if (waiter == 0) {
        struct sigaction action {};
        action.sa_handler = [](int) {};
        sigaction(SIGUSR1, &action, nullptr);  // no SA_RESTART
        try {
            auto lease = slots.acquire();
            _exit(0);
        } catch (...) {
            _exit(3);
        }
    }
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(20ms);
        kill(waiter, SIGUSR1);
    }
    held.reset();
    BOOST_TEST(exit_code(waiter) == 0);
}

// All slots held by live processes for longer than max_wait: Unavailable (a 503), not a hang.
BOOST_AUTO_TEST_CASE(a_wait_longer_than_max_wait_is_unavailable) {
    HashingSlots slots(1, 4, 200ms);
    auto held = slots.acquire();
    const auto start = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(slots.acquire(), gatehouse::core::Unavailable);
    const auto waited = std::chrono::steady_clock::now() - start;
    BOOST_TEST((waited >= 200ms && waited < 2s));
}

BOOST_AUTO_TEST_CASE(slot_memory_is_mapped_and_separate) {
    HashingSlots slots(3, 19456);
    BOOST_TEST(slots.slot_bytes() == 19456u * 1024);
    auto a = slots.acquire();
    auto b = slots.acquire();
    BOOST_TEST(a.size() == 19456u * 1024);
    BOOST_TEST((a.memory() + a.size() <= b.memory() || b.memory() + b.size() <= a.memory()));
    std::memset(a.memory(), 1, a.size());
    BOOST_TEST(all_zero(b.memory(), b.size()));
    BOOST_CHECK_THROW(HashingSlots(0, 4), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
