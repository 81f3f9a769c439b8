#pragma once
// Uploaded media as files: $GATEHOUSE_VAR/media/, which nginx serves at /media/. Each file is written
// once under a new random name (never overwritten, so a cached copy is never stale) and removed by name.
// No policy: what may be stored is accounts' (profile_image.hpp).
#include <string>
#include <string_view>

namespace gatehouse::store {

class MediaStore {
public:
    explicit MediaStore(std::string dir) : dir_(std::move(dir)) {}

    // Writes the bytes under a new random name ending in extension (".jpg", ".png"), mode 0644, by a
    // temporary file renamed into place; returns the name. Throws core::Unavailable when it cannot.
    std::string put(std::string_view bytes, std::string_view extension);
    // Removes a file put here; a name that is not one of ours, or already gone, is left alone.
    void remove(std::string_view name);
    // True for a name put() makes: 32 hex digits, then .jpg or .png.
    static bool is_media_name(std::string_view name);

private:
    std::string dir_;
};

}  // namespace gatehouse::store
