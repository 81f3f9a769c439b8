#pragma once
// A QR code as an inline SVG (libqrencode encodes; the dark modules are drawn here as one <path>).
// The SVG holds only numbers and its label: nothing of the encoded text.
#include "gatehouse/web/context.hpp"

#include <string>
#include <string_view>

namespace gatehouse::web {

// Error correction M, 4 modules of quiet zone, `scale` pixels a module, labelled "QR code" (aria-label)
// in the request's language. std::runtime_error when the text does not fit a QR code.
std::string qr_svg(const Context& ctx, std::string_view text, int scale = 4);

}  // namespace gatehouse::web
