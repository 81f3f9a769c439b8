// gatehouse audit: the audit trail (what staff and the operator did to users), newest first.
#include "gatehouse/accounts/command_context.hpp"
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

constexpr const char* kAuditUsage = R"USAGE(usage: gatehouse audit [--user EMAIL] [--since ISO-8601] [--limit N] [--json]

The audit trail, newest first: when, who (a user's email, or "command line (<os user>)"), the action,
the user it was done to, what changed, and the address it came from.
  --user EMAIL      only rows where this user acted or was acted on
  --since WHEN      only rows at or after WHEN: 2026-11-21, 2026-11-21T10:25:00Z, …+02:00 (no zone: UTC)
  --limit N         at most N rows (default 50, at most 10000)
  --json            a JSON array, for scripts
)USAGE";

constexpr int kMaxLimit = 10000;

int usage_error(const std::string& message) {
    std::cerr << "error: " << message << "\n" << kAuditUsage;
    return 2;
}

// As the admin page names them: the email while the user exists, else "#id".
std::string who(std::optional<std::int64_t> id, const std::optional<std::string>& email) {
    if (email) return *email;
    return id ? "#" + std::to_string(*id) : "-";
}
std::string actor_of(const accounts::AuditEntry& e) {
    return e.actor_label.empty() ? who(e.actor_id, e.actor_email) : e.actor_label;
}
nlohmann::json optional_json(const auto& value) { return value ? nlohmann::json(*value) : nlohmann::json(nullptr); }

}  // namespace

int audit(const core::Config& config, const Args& args) {
    auto line = parse_command_line(args, 1, {"--user", "--since", "--limit"}, {"--json"});
    if (!line) return usage_error(line.error());
    if (line->wants_help()) {
        std::cout << kAuditUsage;
        return 0;
    }
    if (!line->positional.empty()) return usage_error("unexpected '" + line->positional.front() + "'");
    accounts::AuditQuery query;
    if (line->values.contains("--since")) {
        query.since = core::parse_iso8601(line->value("--since"));
        if (!query.since) return usage_error("--since takes an ISO 8601 date or time, not '" + line->value("--since") + "'");
    }
    if (line->values.contains("--limit")) {
        const std::string text = line->value("--limit");
        int limit = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (error != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxLimit)
            return usage_error("--limit takes a number from 1 to " + std::to_string(kMaxLimit) + ", not '" + text + "'");
        query.limit = limit;
    }
    accounts::CommandContext context(config);
    auto& services = context.services();
    if (line->values.contains("--user")) {
        const auto user = user_named(services, line->value("--user"));
        if (!user) return 1;
        query.user_id = user->id;
    }
    const auto rows = accounts::audit_trail(services, query);
    if (line->has("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : rows)
            out.push_back({{"id", e.id},
                           {"at", core::iso8601_utc(e.at)},
                           {"actor", actor_of(e)},
                           {"actor_id", optional_json(e.actor_id)},
                           {"action", e.action},
                           {"target", who(e.target_id, e.target_email)},
                           {"target_id", optional_json(e.target_id)},
                           {"detail", e.detail},
                           {"ip", e.ip}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-20s %-28s %-16s %-28s %s\n", "at", "actor", "action", "target", "detail");
    for (const auto& e : rows)
        std::printf("%-20s %-28s %-16s %-28s %s%s\n", core::iso8601_utc(e.at).c_str(), actor_of(e).c_str(),
                    e.action.c_str(), who(e.target_id, e.target_email).c_str(), e.detail.c_str(),
                    e.ip.empty() ? "" : (" (from " + e.ip + ")").c_str());
    std::printf("%zu row(s)\n", rows.size());
    return 0;
}

}  // namespace gatehouse::cli
