#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {

std::expected<User, Refusal> sign_up(Services& s, const SignupInput& in, const ClientInfo& client) {
    const auto per_ip = s.throttle.hit("register-ip", client.ip, Limits::kRegistrations);
    if (!per_ip.allowed) return std::unexpected(refuse_throttled(per_ip.retry_after));
    auto user = check_signup(s, in);
    if (user) user = save_new_user(s, std::move(*user));
    if (!user) return std::unexpected(refuse_fields(std::move(user.error())));
    send_verification(s, *user);
    return *user;
}

std::expected<User, FieldErrors> check_signup(Services& s, const SignupInput& in) {
    FieldErrors errors;
    store::UserStore users(s.db);
    const auto email = normalize_email(in.email);
    if (trim(in.email).empty()) errors["email"].push_back(core::N_("This field is required."));
    else if (!email) errors["email"].push_back(core::N_("Enter a valid email address."));
    else if (users.find_by_email(*email)) errors["email"].push_back(core::N_("A user with that email already exists."));

    const std::string name = trim(in.name);
    if (!name.empty()) {
        if (auto problem = name_problem(name); !problem.empty()) errors["name"].push_back(problem);
        else if (users.find_by_name(name)) errors["name"].push_back(core::N_("A user with that name already exists."));
    }
    for (const auto& [field, value] : {std::pair{"first_name", &in.first_name}, std::pair{"last_name", &in.last_name}})
        if (auto problem = person_name_problem(*value); !problem.empty()) errors[field].push_back(problem);
    const auto phone = normalize_phone(in.phone);  // stored in E.164
    if (!trim(in.phone).empty()) {
        if (!phone) errors["phone"].push_back(phone_problem(in.phone));
        else if (users.find_by_phone(*phone)) errors["phone"].push_back(core::N_("A user with that phone number already exists."));
    }
    if (!in.date_of_birth.empty())
        if (auto problem = date_of_birth_problem(in.date_of_birth, s.now()); !problem.empty())
            errors["date_of_birth"].push_back(problem);
    if (!in.gender.empty())
        if (auto problem = gender_problem(in.gender); !problem.empty()) errors["gender"].push_back(problem);

    if (in.password1.empty()) errors["password1"].push_back(core::N_("This field is required."));
    if (in.password2.empty()) errors["password2"].push_back(core::N_("This field is required."));
    if (!in.password1.empty() && !in.password2.empty()) {
        if (in.password1 != in.password2) {
            errors["password2"].push_back(core::N_("The two password fields didn’t match."));
        } else {
            for (auto& message : s.policy.check(in.password1, email.value_or(in.email), name))
                errors["password2"].push_back(std::move(message));
        }
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));

    User user;
    user.email = *email;
    if (!name.empty()) user.name = name;
    user.first_name = in.first_name;
    user.last_name = in.last_name;
    if (phone) user.phone = *phone;
    if (!in.date_of_birth.empty()) user.date_of_birth = in.date_of_birth;
    if (!in.gender.empty()) user.gender = in.gender;
    user.password_hash = s.hasher.hash(in.password1);
    user.date_joined = core::iso8601_utc(s.now());
    user.language = in.language;
    return user;
}

std::optional<User> find_user_by_email(Services& s, std::string_view email) {
    const auto normalized = normalize_email(email);
    if (!normalized) return std::nullopt;
    return store::UserStore(s.db).find_by_email(*normalized);
}

std::expected<User, FieldErrors> save_new_user(Services& s, User user) {
    try {
        store::Transaction tx(s.db);
        user.id = store::UserStore(s.db).insert(user);
        tx.commit();
    } catch (const store::ConstraintError&) {
        // Someone took the email, name or phone between our check and the insert.
        return std::unexpected(FieldErrors{{"email", {core::N_("A user with that email, name or phone already exists.")}}});
    }
    return user;
}

}  // namespace gatehouse::accounts
