#include "gatehouse/cli/prompt.hpp"

#include "gatehouse/accounts/users.hpp"

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

std::string CommandLine::value(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
}

std::expected<CommandLine, std::string> parse_command_line(const std::vector<std::string>& args, std::size_t first,
                                                           std::initializer_list<std::string_view> with_value,
                                                           std::initializer_list<std::string_view> flags) {
    auto listed = [](std::initializer_list<std::string_view> names, std::string_view name) {
        for (auto n : names)
            if (n == name) return true;
        return false;
    };
    CommandLine line;
    for (std::size_t i = first; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--help" || word == "-h") {
            line.flags.insert("--help");
            continue;
        }
        if (!word.starts_with("-") || word == "-") {
            line.positional.push_back(word);
            continue;
        }
        const auto equals = word.find('=');
        const std::string name = word.substr(0, equals);
        if (listed(with_value, name)) {
            if (equals != std::string::npos) line.values[name] = word.substr(equals + 1);
            else if (i + 1 < args.size()) line.values[name] = args[++i];
            else return std::unexpected("option " + name + " needs a value");
        } else if (listed(flags, name) && equals == std::string::npos) {
            line.flags.insert(name);
        } else {
            return std::unexpected("unknown option " + name);
        }
    }
    return line;
}

bool confirm(const std::string& question) {
    std::cerr << question << " Type 'yes' to continue, or 'no' to cancel: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) answer.pop_back();
    while (!answer.empty() && answer.front() == ' ') answer.erase(0, 1);
    return answer == "yes" || answer == "y";
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

std::optional<accounts::User> user_named(accounts::Services& services, std::string_view email) {
    auto user = accounts::find_user_by_email(services, email);
    if (!user) std::cerr << "error: no user with that email\n";
    return user;
}

void print_errors(const accounts::FieldErrors& errors) {
    for (const auto& [field, messages] : errors)
        for (const auto& message : messages)
            std::cerr << "error: " << (field == "non_field_errors" ? "" : field + ": ") << message << "\n";
}

}  // namespace gatehouse::cli
