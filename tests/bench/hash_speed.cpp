// How long one argon2id hash takes at the configured cost, three ways: libsodium with fresh memory
// (a worker's default), libargon2 in a warm pre-faulted hashing slot (a worker's with
// GATEHOUSE_ARGON2_ARENA=1), and libargon2 with fresh memory (the library alone, without the slot).
// Each is timed as a verification of the same string, in rounds that take one run of each in turn, so
// that whatever else the machine does falls on all three alike (--gap: a pause before each run, as
// between logins far apart). The last line is for scripts:
//   hash_speed: warm_ms=… cold_ms=… sodium_ms=… limit_per_s=… warm_median_ms=… cold_median_ms=…
//               sodium_median_ms=… faster=libsodium|libargon2 [uncapped_per_s=… capped_per_s=… arena_per_s=…]
// With --procs N, N processes then hash as fast as they can for --seconds, three ways: libsodium with no
// cap, libsodium capped at one hash per core (the default), libargon2 in one warm slot per core.
// (*_ms: best times; the limit is cores ÷ the best time of the faster way, in hashes per second).
//
//   build/hash_speed [--m KIB] [--t N] [--p N] [--runs N] [--cores N] [--gap MS] [--procs N] [--seconds S]
#include "gatehouse/accounts/argon2id.hpp"
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/hashing_slots.hpp"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace argon2id = gatehouse::accounts::argon2id;

namespace {

struct Options {
    argon2id::Params params;
    int runs = 15;
    int gap_ms = 0;
    int procs = 0;    // --procs: also the throughput of this many processes hashing at once
    int seconds = 4;  // for that long
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

std::uint32_t positive(const char* name, const char* text) {
    std::uint32_t value = 0;
    const auto end = text + std::strlen(text);
    const auto [ptr, ec] = std::from_chars(text, end, value);
    if (ec != std::errc{} || ptr != end || value == 0)
        throw std::invalid_argument(std::string(name) + ": expected a positive whole number, got '" + text + "'");
    return value;
}

Options parse(int argc, char** argv) {
    Options options;
    const auto config = gatehouse::core::load_config();  // GATEHOUSE_ARGON2_* and gatehouse.conf, as a worker
    options.params = {static_cast<std::uint32_t>(config.argon2_m_kib), static_cast<std::uint32_t>(config.argon2_t),
                      static_cast<std::uint32_t>(config.argon2_p)};
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::puts("usage: hash_speed [--m KIB] [--t N] [--p N] [--runs N] [--cores N] [--gap MS] [--procs N] [--seconds S]\n"
                      "defaults: the configured argon2id cost (GATEHOUSE_ARGON2_M_KIB, _T, _P: m=19456, t=2, p=1);\n"
                      "15 runs; the cores online; no gap; no --procs (then --seconds 4)");
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(arg + ": needs a value");
        const char* value = argv[++i];
        if (arg == "--m") options.params.m_kib = positive("--m", value);
        else if (arg == "--t") options.params.t = positive("--t", value);
        else if (arg == "--p") options.params.p = positive("--p", value);
        else if (arg == "--runs") options.runs = static_cast<int>(positive("--runs", value));
        else if (arg == "--cores") options.cores = static_cast<int>(positive("--cores", value));
        else if (arg == "--gap") options.gap_ms = static_cast<int>(positive("--gap", value));
        else if (arg == "--procs") options.procs = static_cast<int>(positive("--procs", value));
        else if (arg == "--seconds") options.seconds = static_cast<int>(positive("--seconds", value));
        else throw std::invalid_argument("unknown option " + arg + " (--help)");
    }
    if (options.params.m_kib < 8 * options.params.p) throw std::invalid_argument("--m: at least 8 × p KiB");
    return options;
}

struct Timing {
    std::vector<double> ms;
    double best() const { return *std::min_element(ms.begin(), ms.end()); }
    double median() const {
        auto sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        const auto n = sorted.size();
        return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
};

void time_once(Timing& timing, const std::function<bool()>& verify) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = verify();
    timing.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!ok) throw std::runtime_error("a verification failed: the libraries disagree");
}

enum class Way { SodiumUncapped, SodiumCapped, ArenaCapped };

// Hashes per second of `procs` processes verifying in a loop for `seconds`, as workers under a login
// rush: libsodium with no cap, libsodium capped at one hash per core, libargon2 in one warm slot per core.
double throughput(Way way, const Options& options, const std::string& password, const argon2id::Phc& phc) {
    const std::string encoded = argon2id::format(phc);
    gatehouse::core::HashingSlots slots(options.cores, way == Way::ArenaCapped ? argon2id::memory_bytes(phc.params) / 1024 : 0);
    void* shared = mmap(nullptr, sizeof(std::atomic<long>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) throw std::runtime_error("mmap failed");
    auto* hashes = new (shared) std::atomic<long>(0);
    std::vector<pid_t> children;
    for (int i = 0; i < options.procs; ++i) {
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(options.seconds);
            while (std::chrono::steady_clock::now() < end) {
                bool ok;
                if (way == Way::SodiumUncapped) {
                    ok = argon2id::sodium_verify(password, encoded);
                } else {
                    const auto lease = slots.acquire();
                    ok = way == Way::SodiumCapped ? argon2id::sodium_verify(password, encoded)
                                                  : argon2id::derive_in(lease.memory(), lease.size(), password, phc.salt,
                                                                        phc.params, phc.tag.size()) == phc.tag;
                }
                if (!ok) _exit(3);
                hashes->fetch_add(1);
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("a hashing process failed");
    }
    const double per_second = static_cast<double>(hashes->load()) / options.seconds;
    munmap(shared, sizeof(std::atomic<long>));
    return per_second;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options options = parse(argc, argv);
    const auto& params = options.params;
    const std::string password = "correct horse battery staple";
    const std::string salt = "hash_speed-salt!";

    gatehouse::core::HashingSlots slots(1, argon2id::memory_bytes(params) / 1024);
    const auto lease = slots.acquire();
    const std::string tag = argon2id::derive_in(lease.memory(), lease.size(), password, salt, params, 32);  // warm-up
    const std::string encoded = argon2id::format({params, salt, tag});

    Timing sodium, warm, cold;
    for (int run = 0; run < options.runs; ++run) {
        if (options.gap_ms) std::this_thread::sleep_for(std::chrono::milliseconds(options.gap_ms));
        time_once(sodium, [&] { return argon2id::sodium_verify(password, encoded); });
        if (options.gap_ms) std::this_thread::sleep_for(std::chrono::milliseconds(options.gap_ms));
        time_once(warm, [&] { return argon2id::derive_in(lease.memory(), lease.size(), password, salt, params, 32) == tag; });
        if (options.gap_ms) std::this_thread::sleep_for(std::chrono::milliseconds(options.gap_ms));
        time_once(cold, [&] { return argon2id::derive_fresh(password, salt, params, 32) == tag; });
    }

    // The hashing limit: the cores ÷ the best time of the faster way to hash (the one to configure).
    const bool arena_faster = warm.best() < sodium.best();
    const double limit = options.cores * 1000.0 / std::min(warm.best(), sodium.best());
    std::printf("argon2id m=%u KiB, t=%u, p=%u: %d runs each, times in ms\n", params.m_kib, params.t, params.p,
                options.runs);
    std::printf("  %-56s %8s %8s\n", "", "best", "median");
    std::printf("  %-56s %8.1f %8.1f\n", "libsodium, fresh memory (the default)", sodium.best(), sodium.median());
    std::printf("  %-56s %8.1f %8.1f\n", "libargon2, warm hashing slot (GATEHOUSE_ARGON2_ARENA=1)", warm.best(),
                warm.median());
    std::printf("  %-56s %8.1f %8.1f\n", "libargon2, fresh memory", cold.best(), cold.median());
    std::printf("faster here: %s, by %.2f×; hashing limit: %d cores / %.1f ms = %.1f hashes per second\n",
                arena_faster ? "libargon2 in a warm slot" : "libsodium with fresh memory",
                std::max(warm.best(), sodium.best()) / std::min(warm.best(), sodium.best()), options.cores,
                std::min(warm.best(), sodium.best()), limit);
    std::string rush;
    if (options.procs) {
        const argon2id::Phc phc{params, salt, tag};
        const double uncapped = throughput(Way::SodiumUncapped, options, password, phc);
        const double capped = throughput(Way::SodiumCapped, options, password, phc);
        const double arena = throughput(Way::ArenaCapped, options, password, phc);
        std::printf("%d processes hashing for %d s each way, hashes per second:\n", options.procs, options.seconds);
        std::printf("  %-56s %8.1f\n", "libsodium, no cap (GATEHOUSE_HASH_SLOTS=0)", uncapped);
        std::printf("  %-56s %8.1f\n", ("libsodium, " + std::to_string(options.cores) + " slots (the default)").c_str(), capped);
        std::printf("  %-56s %8.1f\n", ("libargon2 in " + std::to_string(options.cores) + " warm slots").c_str(), arena);
        char figures[160];
        std::snprintf(figures, sizeof figures, " uncapped_per_s=%.1f capped_per_s=%.1f arena_per_s=%.1f", uncapped,
                      capped, arena);
        rush = figures;
    }
    std::printf("hash_speed: warm_ms=%.2f cold_ms=%.2f sodium_ms=%.2f limit_per_s=%.1f warm_median_ms=%.2f "
                "cold_median_ms=%.2f sodium_median_ms=%.2f faster=%s%s\n",
                warm.best(), cold.best(), sodium.best(), limit, warm.median(), cold.median(), sodium.median(),
                arena_faster ? "libargon2" : "libsodium", rush.c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "hash_speed: %s\n", e.what());
    return 2;
}
