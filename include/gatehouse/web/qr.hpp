#pragma once
// A QR code as an inline SVG (libqrencode encodes; the dark modules are drawn here as one <path>).
// The SVG holds only numbers: nothing of the encoded text, so nothing in it needs escaping.
#include <string>
#include <string_view>

namespace gatehouse::web {

// Error correction M, 4 modules of quiet zone, `scale` pixels a module. std::runtime_error when the
// text does not fit a QR code.
std::string qr_svg(std::string_view text, int scale = 4);

}  // namespace gatehouse::web
