#include "gatehouse/core/image.hpp"

#include <vips/vips.h>
#include <vips/vector.h>  // not in vips.h: vips_vector_set_enabled

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace gatehouse::core {
namespace {

// The loaders libvips may run, by the class name vips_foreign_find_load_buffer gives.
constexpr std::array<std::string_view, 4> kAllowedLoaders = {"VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
                                                              "VipsForeignLoadWebpBuffer", "VipsForeignLoadNsgifBuffer"};

struct ImageUnref {
    void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

bool is_jpeg(std::string_view b) { return b.size() > 3 && b.starts_with("\xFF\xD8\xFF"); }

// JPEG, PNG, WebP or GIF by its first bytes: libvips would sniff far more (SVG, PDF, TIFF, …).
bool known_signature(std::string_view b) {
    return is_jpeg(b) || b.starts_with("\x89PNG\r\n\x1A\n") || b.starts_with("GIF87a") || b.starts_with("GIF89a") ||
           (b.size() > 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP");
}

// HTML or SVG markup anywhere (an HTML/JPEG polyglot): refused, although only the new encoding would
// ever be served. Six or more letters in a row like these are all but impossible in compressed data.
bool has_markup(std::string_view b) {
    static constexpr std::array<std::string_view, 8> kTags = {"<html", "<script", "<svg", "<!doctype", "<body",
                                                             "<iframe", "<?xml", "<head"};
    std::string lowered(b);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::any_of(kTags.begin(), kTags.end(),
                       [&](std::string_view tag) { return lowered.find(tag) != std::string::npos; });
}

// Warnings about a bad upload are the user's problem, not lines in the log.
void quiet(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

std::string take_buffer(void* data, std::size_t size) {
    std::string out(static_cast<const char*>(data), size);
    g_free(data);
    return out;
}

}  // namespace

void init_images() {
    static bool images_ready = false;  // libvips is per process: set up once, after the worker's fork
    if (images_ready) return;
    // Any thread libvips starts takes every signal blocked: SIGTERM and the rest stay the main thread's.
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &before);
    const int started = VIPS_INIT("gatehouse");
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    if (started != 0) throw std::runtime_error("libvips: cannot start");
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_vector_set_enabled(FALSE);  // no orc code generation (MemoryDenyWriteExecute in the unit)
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);  // every loader, then the four we take
    for (const char* allowed : {"VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadNsgif"})
        vips_operation_block_set(allowed, FALSE);
    g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO),
                      quiet, nullptr);
    images_ready = true;
}

std::expected<EncodedImage, ImageProblem> reencode_image(std::string_view bytes, const ImageRules& rules) {
    if (bytes.empty()) return std::unexpected(ImageProblem::Empty);
    if (bytes.size() > rules.max_bytes) return std::unexpected(ImageProblem::TooLarge);
    if (!known_signature(bytes) || has_markup(bytes)) return std::unexpected(ImageProblem::NotAnImage);
    init_images();
    const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
    if (!loader || std::find(kAllowedLoaders.begin(), kAllowedLoaders.end(), std::string_view(loader)) == kAllowedLoaders.end()) {
        vips_error_clear();
        return std::unexpected(ImageProblem::NotAnImage);
    }
    // The header only: no pixel is decoded until the thumbnail pulls them, in order.
    ImagePtr in(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL,
                                           "fail_on", VIPS_FAIL_ON_ERROR, nullptr));
    if (!in) {
        vips_error_clear();
        return std::unexpected(ImageProblem::NotAnImage);
    }
    const int width = vips_image_get_width(in.get()), height = vips_image_get_height(in.get());
    if (width <= 0 || height <= 0) return std::unexpected(ImageProblem::NotAnImage);
    if (width > rules.max_width || height > rules.max_height) return std::unexpected(ImageProblem::TooManyPixels);

    // Scaled down to fit (turned upright by its EXIF orientation first), never up.
    VipsImage* scaled_raw = nullptr;
    if (vips_thumbnail_image(in.get(), &scaled_raw, rules.fit, "height", rules.fit, "size", VIPS_SIZE_DOWN, nullptr) != 0) {
        vips_error_clear();
        return std::unexpected(ImageProblem::NotAnImage);
    }
    ImagePtr scaled(scaled_raw);
    EncodedImage out;
    void* data = nullptr;
    std::size_t size = 0;
    int failed;
    if (is_jpeg(bytes)) {
        failed = vips_jpegsave_buffer(scaled.get(), &data, &size, "Q", 85, "strip", TRUE, "optimize_coding", TRUE, nullptr);
        out.extension = ".jpg";
        out.media_type = "image/jpeg";
    } else {
        failed = vips_pngsave_buffer(scaled.get(), &data, &size, "strip", TRUE, "compression", 6, nullptr);
        out.extension = ".png";
        out.media_type = "image/png";
    }
    // A truncated or corrupt file fails here, when its pixels are read (fail_on error).
    if (failed != 0) {
        if (data) g_free(data);
        vips_error_clear();
        return std::unexpected(ImageProblem::NotAnImage);
    }
    out.bytes = take_buffer(data, size);
    out.width = vips_image_get_width(scaled.get());
    out.height = vips_image_get_height(scaled.get());
    return out;
}

}  // namespace gatehouse::core
