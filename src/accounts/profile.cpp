#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/users.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/store/database.hpp"

namespace gatehouse::accounts {

std::expected<User, FieldErrors> update_profile(Services& s, const User& user, const ProfileInput& in) {
    auto changed = check_profile(s, user, in);
    if (!changed) return changed;
    try {
        store::Transaction tx(s.db);
        save_profile(s, user, *changed);
        tx.commit();
    } catch (const store::ConstraintError&) {
        return std::unexpected(FieldErrors{{"non_field_errors", {core::N_("That name or phone number was just taken.")}}});
    }
    return changed;
}

std::expected<User, FieldErrors> check_profile(Services& s, const User& user, const ProfileInput& in) {
    FieldErrors errors;
    store::UserStore users(s.db);
    User changed = user;
    if (in.name) {
        const std::string name = trim(*in.name);
        if (name.empty()) {
            changed.name.reset();
        } else if (auto problem = name_problem(name); !problem.empty()) {
            errors["name"].push_back(problem);
        } else {
            auto other = users.find_by_name(name);
            if (other && other->id != user.id) errors["name"].push_back(core::N_("A user with that name already exists."));
            changed.name = name;
        }
    }
    if (in.first_name) {
        if (auto problem = person_name_problem(*in.first_name); !problem.empty()) errors["first_name"].push_back(problem);
        changed.first_name = trim(*in.first_name);
    }
    if (in.last_name) {
        if (auto problem = person_name_problem(*in.last_name); !problem.empty()) errors["last_name"].push_back(problem);
        changed.last_name = trim(*in.last_name);
    }
    if (in.phone) {
        const auto phone = normalize_phone(*in.phone);  // stored in E.164
        if (trim(*in.phone).empty()) {
            changed.phone.reset();
        } else if (!phone) {
            errors["phone"].push_back(phone_problem(*in.phone));
        } else {
            auto other = users.find_by_phone(*phone);
            if (other && other->id != user.id) errors["phone"].push_back(core::N_("A user with that phone number already exists."));
            changed.phone = *phone;
        }
    }
    if (in.date_of_birth) {
        const std::string date = trim(*in.date_of_birth);
        if (date.empty()) changed.date_of_birth.reset();
        else if (auto problem = date_of_birth_problem(date, s.now()); !problem.empty()) errors["date_of_birth"].push_back(problem);
        else changed.date_of_birth = date;
    }
    if (in.gender) {
        if (in.gender->empty()) changed.gender.reset();
        else if (auto problem = gender_problem(*in.gender); !problem.empty()) errors["gender"].push_back(problem);
        else changed.gender = *in.gender;
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));
    if (changed.phone != user.phone) changed.phone_verified = false;  // a new phone is unverified
    return changed;
}

void save_profile(Services& s, const User& before, const User& changed) {
    store::UserStore(s.db).update_profile(changed);
    if (changed.phone != before.phone && before.email) {
        ctemplate::TemplateDictionary dict("phone_changed");
        dict.SetValue("SITE_URL", s.site_url());
        Notifier(s.templates, s.db).email(*before.email, "phone_changed", dict, s.now(), mail_language(before, s.config));
    }
}

void remember_language(Services& s, const User& user, std::string_view language) {
    if (user.language == language || language.empty()) return;
    store::UserStore(s.db).set_language(user.id, language);
}

}  // namespace gatehouse::accounts
