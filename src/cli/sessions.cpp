// gatehouse sessions list|revoke, gatehouse clearsessions: a user's logins (browser sessions, JWT
// families, API tokens — the devices page's rows) and the sweep of dead ones.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/housekeeping.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"
#include "gatehouse/core/clock.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>

namespace gatehouse::cli {
namespace {

constexpr const char* kSessionsUsage = R"(usage: gatehouse sessions <action> --user EMAIL [options]

actions:
  list --user EMAIL [--json]         the user's live logins: id, kind (session, jwt, token), device,
                                     address, created, last seen
  revoke --user EMAIL [--id N]       ends every live login of the user ("log out everywhere"), or
                                     only login N
)";

constexpr const char* kClearUsage = R"(usage: gatehouse clearsessions

Deletes every login that has expired or was revoked, and every expired refresh-token blacklist
entry, now (the mailer otherwise does it after a month); prints how many.
)";

int usage_error(const std::string& message, const char* usage) {
    std::cerr << "error: " << message << "\n" << usage;
    return 2;
}

std::optional<std::int64_t> positive_id(const std::string& text) {
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

int list(accounts::Services& services, const accounts::User& user, bool json) {
    const auto logins = accounts::live_logins(services, user.id);
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& login : logins)
            out.push_back({{"id", login.id},
                           {"kind", login.kind},
                           {"device", login.device},
                           {"ip", login.ip},
                           {"created", core::iso8601_utc(login.created_at)},
                           {"last_seen", core::iso8601_utc(login.last_seen_at)},
                           {"expires", core::iso8601_utc(login.expires_at)}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-6s %-8s %-24s %-16s %-20s %s\n", "id", "kind", "device", "ip", "created", "last seen");
    for (const auto& login : logins)
        std::printf("%-6lld %-8s %-24s %-16s %-20s %s\n", static_cast<long long>(login.id), login.kind.c_str(),
                    login.device.c_str(), login.ip.empty() ? "-" : login.ip.c_str(),
                    core::iso8601_utc(login.created_at).c_str(), core::iso8601_utc(login.last_seen_at).c_str());
    std::printf("%zu live login(s) of %s\n", logins.size(), user.email.value_or("").c_str());
    return 0;
}

int revoke(accounts::Services& services, const accounts::User& user, std::optional<std::int64_t> id) {
    const auto ended = accounts::end_logins(services, accounts::operator_actor(os_user()), user, id);
    if (!ended) {
        std::cerr << "error: " << user.email.value_or("") << " has no live login " << *id << "\n";
        return 1;
    }
    std::cerr << *ended << " login(s) of " << user.email.value_or("") << " ended\n";
    return 0;
}

}  // namespace

int sessions(const core::Config& config, const Args& args) {
    const std::string action = args.size() > 1 ? args[1] : "";
    if (action.empty() || action == "--help" || action == "-h" || action == "help") {
        (action.empty() ? std::cerr : std::cout) << kSessionsUsage;
        return action.empty() ? 2 : 0;
    }
    std::expected<CommandLine, std::string> line;
    if (action == "list") line = parse_command_line(args, 2, {"--user"}, {"--json"});
    else if (action == "revoke") line = parse_command_line(args, 2, {"--user", "--id"}, {});
    else return usage_error("unknown action '" + action + "'", kSessionsUsage);
    if (!line) return usage_error(line.error(), kSessionsUsage);
    if (line->wants_help()) {
        std::cout << kSessionsUsage;
        return 0;
    }
    if (!line->positional.empty()) return usage_error("unexpected '" + line->positional.front() + "'", kSessionsUsage);
    if (line->value("--user").empty()) return usage_error("sessions " + action + " needs --user EMAIL", kSessionsUsage);
    std::optional<std::int64_t> id;
    if (line->values.contains("--id")) {
        id = positive_id(line->value("--id"));
        if (!id) return usage_error("--id takes a login's id (a positive number)", kSessionsUsage);
    }
    accounts::CommandContext context(config);
    auto& services = context.services();
    const auto user = user_named(services, line->value("--user"));
    if (!user) return 1;
    if (action == "list") return list(services, *user, line->has("--json"));
    return revoke(services, *user, id);
}

int clearsessions(const core::Config& config, const Args& args) {
    auto line = parse_command_line(args, 1, {}, {});
    if (!line) return usage_error(line.error(), kClearUsage);
    if (line->wants_help()) {
        std::cout << kClearUsage;
        return 0;
    }
    if (!line->positional.empty()) return usage_error("unexpected '" + line->positional.front() + "'", kClearUsage);
    accounts::CommandContext context(config);
    const auto swept = accounts::clear_expired_logins(context.services());
    std::cout << "deleted " << swept.logins << " expired or revoked login(s), " << swept.blacklist
              << " expired blacklist entr" << (swept.blacklist == 1 ? "y" : "ies") << " and " << swept.outbox
              << " sent mail(s) older than a week\n";
    return 0;
}

}  // namespace gatehouse::cli
