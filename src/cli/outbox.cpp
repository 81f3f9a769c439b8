// gatehouse outbox list|retry: mail and texts the mailer has not delivered yet.
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/outbox.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"
#include "gatehouse/core/clock.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>

namespace gatehouse::cli {
namespace {

constexpr const char* kOutboxUsage = R"(usage: gatehouse outbox <action> [options]

actions:
  list [--json]                      mail and texts not delivered yet, oldest first: id, kind (email,
                                     sms), recipient, tries, last error, queued at (pending: not
                                     tried yet; failed: tried, retried by the mailer with back-off)
  retry ID                           makes message ID due now: the mailer sends it at its next poll
)";

int usage_error(const std::string& message) {
    std::cerr << "error: " << message << "\n" << kOutboxUsage;
    return 2;
}

int list(accounts::Services& services, bool json) {
    const auto queue = accounts::outbox_queue(services);
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : queue)
            out.push_back({{"id", m.id},
                           {"kind", m.channel},
                           {"recipient", m.recipient},
                           {"state", m.attempts > 0 ? "failed" : "pending"},
                           {"tries", m.attempts},
                           {"last_error", m.last_error ? nlohmann::json(*m.last_error) : nlohmann::json(nullptr)},
                           {"queued_at", core::iso8601_utc(m.created_at)},
                           {"next_try_at", core::iso8601_utc(m.next_attempt_at)}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-6s %-6s %-32s %-8s %-5s %-20s %s\n", "id", "kind", "recipient", "state", "tries", "queued at",
                "last error");
    for (const auto& m : queue)
        std::printf("%-6lld %-6s %-32s %-8s %-5d %-20s %s\n", static_cast<long long>(m.id), m.channel.c_str(),
                    m.recipient.c_str(), m.attempts > 0 ? "failed" : "pending", m.attempts,
                    core::iso8601_utc(m.created_at).c_str(), m.last_error.value_or("-").c_str());
    std::printf("%zu message(s) waiting\n", queue.size());
    return 0;
}

}  // namespace

int outbox(const core::Config& config, const Args& args) {
    const std::string action = args.size() > 1 ? args[1] : "";
    if (action.empty() || action == "--help" || action == "-h" || action == "help") {
        (action.empty() ? std::cerr : std::cout) << kOutboxUsage;
        return action.empty() ? 2 : 0;
    }
    std::expected<CommandLine, std::string> line;
    if (action == "list") line = parse_command_line(args, 2, {}, {"--json"});
    else if (action == "retry") line = parse_command_line(args, 2, {}, {});
    else return usage_error("unknown action '" + action + "'");
    if (!line) return usage_error(line.error());
    if (line->wants_help()) {
        std::cout << kOutboxUsage;
        return 0;
    }
    const std::size_t words = action == "retry" ? 1 : 0;
    if (line->positional.size() > words) return usage_error("unexpected '" + line->positional[words] + "'");
    std::int64_t id = 0;
    if (action == "retry") {
        if (line->positional.empty()) return usage_error("outbox retry needs the message's ID");
        const std::string& text = line->positional.front();
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (error != std::errc() || end != text.data() + text.size() || id <= 0)
            return usage_error("ID must be a message's id (a positive number), not '" + text + "'");
    }
    accounts::CommandContext context(config);
    auto& services = context.services();
    if (action == "list") return list(services, line->has("--json"));
    if (!accounts::retry_message_now(services, id)) {
        std::cerr << "error: no undelivered message " << id << " (gatehouse outbox list shows them)\n";
        return 1;
    }
    std::cerr << "message " << id << " is due now; the mailer sends it at its next poll\n";
    return 0;
}

}  // namespace gatehouse::cli
