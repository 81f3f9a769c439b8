#include "gatehouse/web/qr.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace gatehouse::web {
namespace {

struct QrDeleter {
    void operator()(QRcode* code) const { QRcode_free(code); }
};

constexpr int kQuietZone = 4;

// A translation as an attribute's value: a translator's text, escaped all the same.
std::string attribute_text(std::string_view text) {
    std::string out;
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += ch;
        }
    }
    return out;
}

}  // namespace

std::string qr_svg(const Context& ctx, std::string_view text, int scale) {
    const std::string input(text);
    std::unique_ptr<QRcode, QrDeleter> code(QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) throw std::runtime_error("the text does not fit a QR code");
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    std::string path;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            if (!(code->data[y * width + x] & 1)) continue;  // bit 0: a dark module
            path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h1v1h-1z";
        }
    }
    const std::string pixels = std::to_string(size * scale);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
           std::to_string(size) + "\" width=\"" + pixels + "\" height=\"" + pixels +
           "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" +
           attribute_text(ctx.tr("QR code")) + "\"><rect width=\"100%\" height=\"100%\" "
           "fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace gatehouse::web
