#include "gatehouse/cli/prompt.hpp"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace gatehouse::cli {
namespace {

std::string read_password_line(const char* prompt) {
    std::string line;
    if (isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        termios old{};
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::getline(std::cin, line);
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
    } else {
        std::getline(std::cin, line);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

}  // namespace

std::string option(const std::vector<std::string>& args, const std::string& name) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == name) return args[i + 1];
    for (const auto& a : args)
        if (a.starts_with(name + "=")) return a.substr(name.size() + 1);
    return {};
}

std::optional<std::string> read_new_password() {
    std::string first = read_password_line("Password: ");
    if (isatty(STDIN_FILENO) && read_password_line("Password (again): ") != first) {
        std::cerr << "error: the two passwords differ\n";
        return std::nullopt;
    }
    return first;
}

std::string os_user() {
    const uid_t uid = getuid();
    if (const passwd* entry = getpwuid(uid); entry && entry->pw_name) return entry->pw_name;
    return "uid " + std::to_string(uid);
}

void print_errors(const accounts::FieldErrors& errors) {
    for (const auto& [field, messages] : errors)
        for (const auto& message : messages)
            std::cerr << "error: " << (field == "non_field_errors" ? "" : field + ": ") << message << "\n";
}

}  // namespace gatehouse::cli
