#pragma once
// The profile picture (README: Profile picture): an upload is decoded and encoded again by libvips
// (core/image.hpp: at most 2 MiB and 4096×4096 in, scaled to fit 512×512, metadata stripped, JPEG or
// PNG out), stored under a new random name in $GATEHOUSE_VAR/media/ (store/media.hpp), and served by
// nginx at /media/<name>. The file it replaces goes once the change is committed.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"
#include "gatehouse/accounts/users.hpp"

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

// What a profile change does to the picture.
struct ImageChange {
    enum class Kind { Keep, Remove, Replace, NotAFile };  // NotAFile: the field came as text, not a file
    Kind kind = Kind::Keep;
    std::string upload;  // Replace: the bytes as sent
};

// The profile fields and the picture together, as one form: every field checked first (the image
// decoded), and nothing written unless all pass; the errors of both at once (the picture's under "image").
std::expected<User, FieldErrors> update_profile(Services& services, const User& user, const ProfileInput& input,
                                                const ImageChange& image);

// The picture's URL: site_url + "/media/<name>"; nullopt without one. site_url may be "" (a path).
std::optional<std::string> image_url(std::string_view site_url, const User& user);

// Removes the picture's file of a user who is gone (after the deletion is committed).
void remove_image_file(Services& services, const User& gone);

}  // namespace gatehouse::accounts
