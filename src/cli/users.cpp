// gatehouse createsuperuser, changepassword, users list|show|create|activate|deactivate|verify|set-staff|
// delete|reset-mfa: the operator's view of and changes to accounts, through the same rules as the site (users.hpp,
// staff.hpp), audited with the operator as the actor.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace gatehouse::cli {

int createsuperuser(const core::Config& config, const Args& args) {
    const std::string email = option(args, "--email");
    if (email.empty()) {
        std::cerr << "usage: gatehouse createsuperuser --email EMAIL [--name NAME]\n";
        return 2;
    }
    const auto password = read_new_password();
    if (!password) return 2;
    accounts::CommandContext context(config);
    auto& services = context.services();
    accounts::SignupInput input;
    input.email = email;
    input.name = option(args, "--name");
    input.password1 = input.password2 = *password;
    auto user = accounts::check_signup(services, input);
    if (!user) {
        print_errors(user.error());
        return 2;
    }
    user->is_staff = user->is_superuser = user->is_verified = true;
    auto saved = accounts::save_created_user(services, accounts::operator_actor(os_user()), std::move(*user));
    if (!saved) {
        print_errors(saved.error().errors);
        return 1;
    }
    std::cerr << "superuser " << saved->email.value_or("") << " created\n";
    return 0;
}

int changepassword(const core::Config& config, const Args& args) {
    std::string email = option(args, "--email");
    if (email.empty() && args.size() > 1) email = args[1];
    if (email.empty()) {
        std::cerr << "usage: gatehouse changepassword --email EMAIL\n";
        return 2;
    }
    accounts::CommandContext context(config);
    auto& services = context.services();
    const auto user = accounts::find_user_by_email(services, email);
    if (!user) {
        std::cerr << "error: no user with that email\n";
        return 1;
    }
    const auto password = read_new_password();
    if (!password) return 2;
    // As a password change anywhere: the notice mail, and every login of the user ends (browser
    // sessions, JWT families, API tokens); audited with the operator as the actor.
    auto changed = accounts::set_password(services, *user, *password, *password, accounts::operator_actor(os_user()));
    if (!changed) {
        print_errors(changed.error());
        return 2;
    }
    std::cerr << "password changed for " << user->email.value_or("") << "; every login of the user ended\n";
    return 0;
}

namespace {

constexpr const char* kUsersUsage = R"(usage: gatehouse users <action> [options]

actions:
  list [--search TEXT] [--json]      every user (or those matching TEXT, as /api/users/?search=)
  show EMAIL [--json]                one user, with its live logins
  create --email E [--name N] [--staff]
                                     a new user by the signup rules; the password from a prompt or
                                     the first line of stdin; the verification mail goes out
  activate EMAIL                     the user may log in again
  deactivate EMAIL                   the user may no longer log in; every login of it ends
  verify EMAIL                       marks the email verified
  set-staff EMAIL [--remove]         makes the user staff (--remove: no longer staff)
  delete EMAIL [--yes]               ends the user's logins and deletes it; asks first unless --yes
  reset-mfa EMAIL                    removes the user's authenticator app and recovery codes (a lost
                                     phone); the user is mailed and can log in with the password alone
)";

int usage_error(const std::string& message) {
    std::cerr << "error: " << message << "\n" << kUsersUsage;
    return 2;
}

const char* yes_no(bool value) { return value ? "yes" : "no"; }

std::string text_or_dash(const std::optional<std::string>& value) { return value && !value->empty() ? *value : "-"; }

// The EMAIL word or --email E.
std::string email_of(const CommandLine& line) {
    if (!line.value("--email").empty()) return line.value("--email");
    return line.positional.empty() ? std::string() : line.positional.front();
}

int list(accounts::Services& services, const CommandLine& line) {
    const auto users = accounts::find_users(services, line.value("--search"));
    if (line.has("--json")) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& user : users) out.push_back(accounts::user_json(user, services.site_url()));
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-6s %-32s %-20s %-6s %-8s %-5s %s\n", "id", "email", "name", "active", "verified", "staff", "joined");
    for (const auto& u : users)
        std::printf("%-6lld %-32s %-20s %-6s %-8s %-5s %s\n", static_cast<long long>(u.id), text_or_dash(u.email).c_str(),
                    text_or_dash(u.name).c_str(), yes_no(u.is_active), yes_no(u.is_verified), yes_no(u.is_staff),
                    u.date_joined.c_str());
    std::printf("%zu user(s)\n", users.size());
    return 0;
}

int show(accounts::Services& services, const accounts::User& u, bool json) {
    if (json) {
        std::cout << accounts::user_json(u, services.site_url()).dump(2) << "\n";
        return 0;
    }
    const auto logins = accounts::live_logins(services, u.id);
    std::cout << "id:             " << u.id << "\n"
              << "email:          " << text_or_dash(u.email) << "\n"
              << "name:           " << text_or_dash(u.name) << "\n"
              << "first name:     " << (u.first_name.empty() ? "-" : u.first_name) << "\n"
              << "last name:      " << (u.last_name.empty() ? "-" : u.last_name) << "\n"
              << "phone:          " << text_or_dash(u.phone) << (u.phone && u.phone_verified ? " (verified)" : "") << "\n"
              << "date of birth:  " << text_or_dash(u.date_of_birth) << "\n"
              << "gender:         " << text_or_dash(u.gender) << "\n"
              << "active:         " << yes_no(u.is_active) << "\n"
              << "verified:       " << yes_no(u.is_verified) << "\n"
              << "staff:          " << yes_no(u.is_staff) << "\n"
              << "superuser:      " << yes_no(u.is_superuser) << "\n"
              << "joined:         " << u.date_joined << "\n"
              << "last login:     " << text_or_dash(u.last_login) << "\n"
              << "live logins:    " << logins.size() << " (gatehouse sessions list --user EMAIL)\n";
    return 0;
}

int create(accounts::Services& services, const CommandLine& line) {
    const std::string email = line.value("--email");
    if (email.empty()) return usage_error("users create needs --email");
    const auto password = read_new_password();
    if (!password) return 2;
    accounts::SignupInput input;
    input.email = email;
    input.name = line.value("--name");
    input.password1 = input.password2 = *password;
    auto user = accounts::check_signup(services, input);
    if (!user) {
        print_errors(user.error());
        return 2;
    }
    user->is_staff = line.has("--staff");
    auto saved = accounts::save_created_user(services, accounts::operator_actor(os_user()), std::move(*user));
    if (!saved) {
        print_errors(saved.error().errors);
        return 1;
    }
    std::cerr << "user " << saved->email.value_or("") << " created (id " << saved->id << ")"
              << (saved->is_staff ? ", staff" : "") << "; the verification mail is on its way\n";
    return 0;
}

// activate, deactivate, verify, set-staff: one flag, through the staff's path (audited; a user made
// inactive loses every login).
int set_flag(accounts::Services& services, const accounts::User& user, const std::string& action, bool remove) {
    accounts::User changed = user;
    std::string state;  // what the user is once done
    if (action == "activate") changed.is_active = true, state = "active";
    else if (action == "deactivate") changed.is_active = false, state = "inactive";
    else if (action == "verify") changed.is_verified = true, state = "verified";
    else changed.is_staff = !remove, state = remove ? "not staff" : "staff";
    const std::string email = user.email.value_or("");
    if (changed.is_active == user.is_active && changed.is_verified == user.is_verified && changed.is_staff == user.is_staff) {
        std::cerr << email << " is already " << state << "; nothing changed\n";
        return 0;
    }
    auto saved = accounts::save_user_changes(services, accounts::operator_actor(os_user()), user, changed);
    if (!saved) {
        print_errors(saved.error().errors);
        return 1;
    }
    std::cerr << email << " is now " << state << (action == "deactivate" ? "; every login of it ended" : "") << "\n";
    return 0;
}

int reset_mfa(accounts::Services& services, const accounts::User& user) {
    const std::string email = user.email.value_or("");
    if (!accounts::reset_mfa(services, accounts::operator_actor(os_user()), user)) {
        std::cerr << email << " has no two-factor authentication; nothing changed\n";
        return 0;
    }
    std::cerr << "two-factor authentication removed for " << email << "; the user was mailed\n";
    return 0;
}

int remove(accounts::Services& services, const accounts::User& user, bool yes) {
    const std::string email = user.email.value_or("");
    if (!yes && !confirm("Delete the user " + email + " (id " + std::to_string(user.id) +
                         ") and end its logins? This cannot be undone.")) {
        std::cerr << "cancelled; nothing deleted\n";
        return 1;
    }
    accounts::delete_user(services, accounts::operator_actor(os_user()), user);
    std::cerr << "user " << email << " deleted\n";
    return 0;
}

}  // namespace

int users(const core::Config& config, const Args& args) {
    const std::string action = args.size() > 1 ? args[1] : "";
    if (action.empty() || action == "--help" || action == "-h" || action == "help") {
        (action.empty() ? std::cerr : std::cout) << kUsersUsage;
        return action.empty() ? 2 : 0;
    }
    std::expected<CommandLine, std::string> line;
    if (action == "list") line = parse_command_line(args, 2, {"--search"}, {"--json"});
    else if (action == "show") line = parse_command_line(args, 2, {"--email"}, {"--json"});
    else if (action == "create") line = parse_command_line(args, 2, {"--email", "--name"}, {"--staff"});
    else if (action == "activate" || action == "deactivate" || action == "verify")
        line = parse_command_line(args, 2, {"--email"}, {});
    else if (action == "set-staff") line = parse_command_line(args, 2, {"--email"}, {"--remove"});
    else if (action == "delete") line = parse_command_line(args, 2, {"--email"}, {"--yes", "--noinput"});
    else if (action == "reset-mfa") line = parse_command_line(args, 2, {"--email"}, {});
    else return usage_error("unknown action '" + action + "'");
    if (!line) return usage_error(line.error());
    if (line->wants_help()) {
        std::cout << kUsersUsage;
        return 0;
    }
    const std::size_t words = action == "list" || action == "create" ? 0 : 1;
    if (line->positional.size() > words) return usage_error("unexpected '" + line->positional[words] + "'");

    accounts::CommandContext context(config);
    auto& services = context.services();
    if (action == "list") return list(services, *line);
    if (action == "create") return create(services, *line);
    const std::string email = email_of(*line);
    if (email.empty()) return usage_error("users " + action + " needs the user's EMAIL");
    const auto user = user_named(services, email);
    if (!user) return 1;
    if (action == "show") return show(services, *user, line->has("--json"));
    if (action == "delete") return remove(services, *user, line->has("--yes") || line->has("--noinput"));
    if (action == "reset-mfa") return reset_mfa(services, *user);
    return set_flag(services, *user, action, line->has("--remove"));
}

}  // namespace gatehouse::cli
