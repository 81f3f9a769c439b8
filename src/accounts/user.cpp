#include "gatehouse/accounts/user.hpp"

#include "gatehouse/accounts/profile_image.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::accounts {

nlohmann::json user_json(const User& u, std::string_view site_url) {
    auto optional = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    return {{"id", u.id},
            {"email", optional(u.email)},
            {"name", optional(u.name)},
            {"first_name", u.first_name},
            {"last_name", u.last_name},
            {"phone", optional(u.phone)},
            {"date_of_birth", optional(u.date_of_birth)},
            {"gender", optional(u.gender)},
            {"is_verified", u.is_verified},
            {"is_staff", u.is_staff},
            {"date_joined", u.date_joined},
            {"last_login", optional(u.last_login)},
            {"image", optional(image_url(site_url, u))}};
}

}  // namespace gatehouse::accounts
