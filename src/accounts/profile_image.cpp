#include "gatehouse/accounts/profile_image.hpp"

#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/image.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/media.hpp"

namespace gatehouse::accounts {
namespace {

store::MediaStore media(Services& s) { return store::MediaStore(s.config.var_dir + "/media"); }

std::string image_problem(core::ImageProblem problem) {
    switch (problem) {
        case core::ImageProblem::Empty: return core::N_("The submitted file is empty.");
        case core::ImageProblem::TooLarge: return core::N_("The image is too large: at most 2 MiB.");
        case core::ImageProblem::TooManyPixels: return core::N_("The image is too large: at most 4096×4096 pixels.");
        case core::ImageProblem::NotAnImage: break;
    }
    // Django's ImageField message.
    return core::N_("Upload a valid image. The file you uploaded was either not an image or a corrupted image.");
}

}  // namespace

std::expected<User, FieldErrors> update_profile(Services& s, const User& user, const ProfileInput& input,
                                                const ImageChange& image) {
    if (image.kind == ImageChange::Kind::Keep) return update_profile(s, user, input);
    FieldErrors errors;
    auto changed = check_profile(s, user, input);
    if (!changed) errors = changed.error();
    std::optional<core::EncodedImage> encoded;
    if (image.kind == ImageChange::Kind::NotAFile) {
        errors["image"].push_back(core::N_("The submitted data was not a file. Check the encoding type on the form."));
    } else if (image.kind == ImageChange::Kind::Replace) {
        auto result = core::reencode_image(image.upload);
        if (result) encoded = std::move(*result);
        else errors["image"].push_back(image_problem(result.error()));
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));

    // The new file first: the row never names a file that is not there.
    auto files = media(s);
    std::optional<std::string> name;
    if (encoded) name = files.put(encoded->bytes, encoded->extension);
    std::optional<std::string> replaced;
    try {
        store::Transaction tx(s.db);
        save_profile(s, user, *changed);
        replaced = store::UserStore(s.db).swap_image(user.id, name);
        tx.commit();
    } catch (const store::ConstraintError&) {
        if (name) files.remove(*name);
        return std::unexpected(FieldErrors{{"non_field_errors", {core::N_("That name or phone number was just taken.")}}});
    } catch (...) {
        if (name) files.remove(*name);
        throw;
    }
    if (replaced) files.remove(*replaced);
    changed->image = name;
    return changed;
}

std::optional<std::string> image_url(std::string_view site_url, const User& user) {
    if (!user.image) return std::nullopt;
    return std::string(site_url) + "/media/" + *user.image;
}

void remove_image_file(Services& s, const User& gone) {
    if (gone.image) media(s).remove(*gone.image);
}

}  // namespace gatehouse::accounts
