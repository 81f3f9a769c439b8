#include "gatehouse/core/log.hpp"

#include <unistd.h>

#include <ctime>

namespace gatehouse::core {

Log::Log(int fd, LogLevel min_level) : fd_(fd), min_level_(min_level) {}

void Log::write(LogLevel level, std::string_view message) const {
    if (level < min_level_) return;
    static constexpr const char* names[] = {"debug", "info", "warning", "error"};
    char stamp[40];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::string line;
    line.reserve(message.size() + 64);
    line += stamp;
    line += " [";
    line += std::to_string(::getpid());
    line += "] ";
    line += names[static_cast<int>(level)];
    line += ": ";
    for (char ch : message) line += (ch == '\n' || ch == '\r') ? ' ' : ch;  // one event, one line
    line += '\n';
    std::size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n <= 0) return;  // logging never takes the process down
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace gatehouse::core
