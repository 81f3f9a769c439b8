#pragma once
// The user as the account rules and every layer above them see it. Today it is the users row itself;
// web, server and the command line name it only as accounts::User, so a change of storage stays in
// store and accounts.
#include "gatehouse/store/users.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace gatehouse::accounts {

using User = store::User;

// The user object of the API (/api/users/, /api/me/, …) and of `gatehouse users … --json`: one shape
// for every reader. "image" is the picture's full URL (site_url + /media/<name>), or null.
nlohmann::json user_json(const User& user, std::string_view site_url);

}  // namespace gatehouse::accounts
