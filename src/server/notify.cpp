#include "gatehouse/server/notify.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

namespace gatehouse::server {

void notify_ready(const std::string& status) {
    sd_notifyf(0, "READY=1\nMAINPID=%ld\nSTATUS=%s", static_cast<long>(::getpid()), status.c_str());
}

// MONOTONIC_USEC lets systemd ≥ 253 match the reload to its request; older ones ignore it.
void notify_reloading() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const unsigned long long usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=rolling the workers", usec);
}

void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=draining the workers"); }

}  // namespace gatehouse::server
