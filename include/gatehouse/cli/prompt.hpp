#pragma once
// What the commands read from the operator: options, passwords (from a prompt without echo, typed
// twice, or the first line of stdin), and who the operator is.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <expected>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::cli {

// A command's words once read: `--name V` (or `--name=V`) options, bare `--flag`s, and the rest.
struct CommandLine {
    std::map<std::string, std::string, std::less<>> values;
    std::set<std::string, std::less<>> flags;
    std::vector<std::string> positional;

    bool has(std::string_view flag) const { return flags.contains(flag); }
    std::string value(std::string_view name) const;  // "" when absent
    bool wants_help() const { return has("--help"); }
};
// Reads args[first…]: the options named in with_value take the next word (or "=V"), those in flags
// none; "--help" and "-h" are always flags (as "--help"). An unknown option or a missing value: the
// message for the operator.
std::expected<CommandLine, std::string> parse_command_line(const std::vector<std::string>& args, std::size_t first,
                                                           std::initializer_list<std::string_view> with_value,
                                                           std::initializer_list<std::string_view> flags);
// Asks on stderr and reads one line of stdin: true only for "yes" (or "y"), as Django's prompts.
bool confirm(const std::string& question);

// The value of `--name V` or `--name=V`; "" when absent.
std::string option(const std::vector<std::string>& args, const std::string& name);
// A new password: from a prompt, typed twice (nullopt when the two differ), or the first line of stdin.
std::optional<std::string> read_new_password();
// The operating-system user running the command ("root", or the uid when it has no name).
std::string os_user();
// The user with this email as the site finds it; nullopt, with "error: no user with that email" on
// stderr, when there is none.
std::optional<accounts::User> user_named(accounts::Services& services, std::string_view email);
// Every broken rule, one "error: field: message" line each, on stderr.
void print_errors(const accounts::FieldErrors& errors);

}  // namespace gatehouse::cli
