#pragma once
// Images decoded and encoded again with libvips, never passed on as sent: the bytes are checked
// (size, signature, the loader libvips picks, the header's dimensions) before any pixel is decoded,
// then scaled to fit a box and written as a new JPEG or PNG without any metadata (EXIF, GPS, XMP, ICC,
// comments). Only the JPEG, PNG, WebP and GIF loaders are ever let run: SVG, PDF, ImageMagick and the
// rest are blocked in libvips itself.
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace gatehouse::core {

struct ImageRules {
    std::size_t max_bytes = 2 * 1024 * 1024;  // checked before anything is decoded
    int max_width = 4096;                     // the header's, checked before the pixels are decoded
    int max_height = 4096;
    int fit = 512;                            // the result fits fit × fit (never scaled up)
};

enum class ImageProblem {
    Empty,          // no bytes
    TooLarge,       // more than max_bytes
    NotAnImage,     // not JPEG, PNG, WebP or GIF; truncated, corrupt, or with markup inside
    TooManyPixels,  // wider or taller than the rules allow
};

struct EncodedImage {
    std::string bytes;
    std::string extension;  // ".jpg" (a JPEG in) or ".png" (anything else)
    std::string media_type; // "image/jpeg", "image/png"
    int width = 0;
    int height = 0;
};

// Sets libvips up for this process: one thread, no operation cache, no run-time code generation,
// untrusted loaders blocked. Once per process, after any fork: the first reencode_image of a worker
// calls it. Not at the worker's start: a worker is replaced every GATEHOUSE_MAX_REQUESTS requests, and
// setting libvips up in each new one cost W1 of make bench 6 points of its ratio (and 2.3 MiB of private
// memory per worker) for the rare request that brings a picture. Throws std::runtime_error when libvips
// cannot start.
void init_images();

// The checks and the new encoding, as the type comment says.
std::expected<EncodedImage, ImageProblem> reencode_image(std::string_view bytes, const ImageRules& rules = {});

}  // namespace gatehouse::core
