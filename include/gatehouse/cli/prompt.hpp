#pragma once
// What the commands read from the operator: options, passwords (from a prompt without echo, typed
// twice, or the first line of stdin), and who the operator is.
#include "gatehouse/accounts/outcome.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::cli {

// The value of `--name V` or `--name=V`; "" when absent.
std::string option(const std::vector<std::string>& args, const std::string& name);
// A new password: from a prompt, typed twice (nullopt when the two differ), or the first line of stdin.
std::optional<std::string> read_new_password();
// The operating-system user running the command ("root", or the uid when it has no name).
std::string os_user();
// Every broken rule, one "error: field: message" line each, on stderr.
void print_errors(const accounts::FieldErrors& errors);

}  // namespace gatehouse::cli
