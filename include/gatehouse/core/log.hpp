#pragma once
// One line per event, written with a single write(2) so lines from many processes never interleave.
// Never pass a password, token, code or key to it.
#include <string>
#include <string_view>

namespace gatehouse::core {

enum class LogLevel { Debug, Info, Warning, Error };

class Log {
public:
    explicit Log(int fd = 2, LogLevel min_level = LogLevel::Info);
    void write(LogLevel level, std::string_view message) const;
    void info(std::string_view message) const { write(LogLevel::Info, message); }
    void warning(std::string_view message) const { write(LogLevel::Warning, message); }
    void error(std::string_view message) const { write(LogLevel::Error, message); }

private:
    int fd_;
    LogLevel min_level_;
};

}  // namespace gatehouse::core
