// gatehouse createsuperuser, changepassword, users set-staff: the operator's changes to accounts,
// through the same rules as the site (users.hpp, staff.hpp), audited with the operator as the actor.
#include "gatehouse/accounts/audit.hpp"
#include "gatehouse/accounts/command_context.hpp"
#include "gatehouse/accounts/staff.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"

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

int users(const core::Config& config, const Args& args) {
    if (args.size() != 3 || args[1] != "set-staff") {
        std::cerr << "usage: gatehouse users set-staff EMAIL\n";
        return 2;
    }
    accounts::CommandContext context(config);
    auto& services = context.services();
    const auto user = accounts::find_user_by_email(services, args[2]);
    if (!user) {
        std::cerr << "error: no user with that email\n";
        return 1;
    }
    accounts::User changed = *user;
    changed.is_staff = true;
    auto saved = accounts::save_user_changes(services, accounts::operator_actor(os_user()), *user, changed);
    if (!saved) {
        print_errors(saved.error().errors);
        return 1;
    }
    std::cerr << saved->email.value_or("") << " is now staff\n";
    return 0;
}

}  // namespace gatehouse::cli
