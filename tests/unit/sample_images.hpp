#pragma once
// Images for the profile-picture tests, made and read by libvips' own command-line tools (`vips`,
// `vipsheader`: Debian's libvips-tools), not by the code under test; and the byte surgery that turns
// a good JPEG into the bad ones (EXIF with GPS added, markup in a comment, a header that lies).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gatehouse::test {

// A scratch file name, unique to this process and call.
inline std::string scratch_path(const std::string& suffix) {
    static int n = 0;
    return (std::filesystem::temp_directory_path() /
            ("gatehouse-img-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + suffix))
        .string();
}

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string command_output(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
        ::pclose(p);
    }
    return out;
}

// `vips <operation> <file> <arguments>` (e.g. "gaussnoise", ".jpg", "800 600"): the file's bytes.
inline std::string vips_make(const std::string& operation, const std::string& suffix, const std::string& arguments) {
    const std::string path = scratch_path(suffix);
    const int status = std::system(("vips " + operation + " " + path + " " + arguments + " 2>/dev/null").c_str());
    std::string bytes = read_bytes(path);
    std::filesystem::remove(path);
    if (status != 0 || bytes.empty()) throw std::runtime_error("vips " + operation + " failed");
    return bytes;
}

// A grey JPEG of noise (it compresses badly: a few hundred KB at 800×600).
inline std::string noise_jpeg(int width, int height) {
    return vips_make("gaussnoise", ".jpg", std::to_string(width) + " " + std::to_string(height));
}
// A transparent PNG.
inline std::string transparent_png(int width, int height) {
    return vips_make("black", ".png", std::to_string(width) + " " + std::to_string(height) + " --bands 4");
}

// `vipsheader -a` of these bytes: "width: 512", "exif-data: …" lines; empty when it cannot read them.
inline std::string vips_header(const std::string& bytes, const std::string& suffix) {
    const std::string path = scratch_path(suffix);
    std::ofstream(path, std::ios::binary) << bytes;
    std::string out = command_output("vipsheader -a " + path + " 2>/dev/null");
    std::filesystem::remove(path);
    return out;
}

inline int header_number(const std::string& header, const std::string& field) {
    const auto at = header.find("\n" + field + ": ");
    return at == std::string::npos ? -1 : std::atoi(header.c_str() + at + field.size() + 3);
}

inline std::string big_endian16(std::size_t n) { return {static_cast<char>((n >> 8) & 0xFF), static_cast<char>(n & 0xFF)}; }

// The JPEG with a segment (marker 0xFFE1 APP1, 0xFFFE COM, …) right after its SOI.
inline std::string with_segment(const std::string& jpeg, unsigned char marker, const std::string& payload) {
    return jpeg.substr(0, 2) + std::string("\xFF") + static_cast<char>(marker) + big_endian16(payload.size() + 2) +
           payload + jpeg.substr(2);
}

// An EXIF block (big-endian TIFF, one IFD of one ASCII ImageDescription) holding `text`: where a
// camera puts its make, the time and the GPS position.
inline std::string with_exif(const std::string& jpeg, const std::string& text) {
    std::string tiff = std::string("MM\0*\0\0\0\x08", 8);
    tiff += big_endian16(1);                                        // one entry
    tiff += big_endian16(0x010E) + big_endian16(2);                 // ImageDescription, ASCII
    tiff += std::string("\0\0", 2) + big_endian16(text.size() + 1);  // count
    tiff += std::string("\0\0\0\x1A", 4);                           // value at offset 26
    tiff += std::string("\0\0\0\0", 4);                             // no next IFD
    tiff += text + std::string(1, '\0');
    return with_segment(jpeg, 0xE1, std::string("Exif\0\0", 6) + tiff);
}

// The JPEG whose frame header (SOF0) claims other dimensions: an image bomb when they are huge.
inline std::string with_dimensions(std::string jpeg, int width, int height) {
    const auto sof = jpeg.find("\xFF\xC0");
    if (sof == std::string::npos) throw std::runtime_error("no SOF0");
    jpeg.replace(sof + 5, 2, big_endian16(static_cast<std::size_t>(height)));
    jpeg.replace(sof + 7, 2, big_endian16(static_cast<std::size_t>(width)));
    return jpeg;
}

}  // namespace gatehouse::test
