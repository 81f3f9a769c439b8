// The profile picture's image rules (core/image.hpp) and the new-device notice's network rule,
// with images made and read by libvips' own command-line tools (sample_images.hpp).
#include "gatehouse/accounts/device_notice.hpp"
#include "gatehouse/core/image.hpp"
#include "gatehouse/store/media.hpp"
#include "sample_images.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <ostream>

using gatehouse::core::ImageProblem;
using gatehouse::core::reencode_image;
using namespace gatehouse::test;

namespace gatehouse::core {
inline std::ostream& operator<<(std::ostream& out, ImageProblem p) { return out << static_cast<int>(p); }
}  // namespace gatehouse::core

namespace {

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

ImageProblem problem_of(const std::string& bytes) {
    auto result = reencode_image(bytes);
    BOOST_TEST_REQUIRE(!result.has_value());
    return result.error();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(profile_image)

BOOST_AUTO_TEST_CASE(a_jpeg_is_scaled_to_fit_and_loses_its_exif) {
    const std::string secret = "GPS 48.8584N 2.2945E secret-camera";
    const std::string sent = with_exif(noise_jpeg(1200, 600), secret);
    const std::string sent_header = vips_header(sent, ".jpg");
    BOOST_TEST_REQUIRE(contains(sent_header, "exif-data"), "the sample has EXIF to lose: " << sent_header);
    BOOST_TEST_REQUIRE(contains(sent, secret));

    const auto image = reencode_image(sent);
    BOOST_TEST_REQUIRE(image.has_value());
    BOOST_TEST(image->extension == ".jpg");
    BOOST_TEST(image->media_type == "image/jpeg");
    const std::string header = vips_header(image->bytes, ".jpg");
    BOOST_TEST(contains(header, "jpegload"), header);
    BOOST_TEST(header_number(header, "width") == 512);
    BOOST_TEST(header_number(header, "height") == 256);
    BOOST_TEST((image->width == 512 && image->height == 256));
    BOOST_TEST(!contains(header, "exif-data"), header);
    BOOST_TEST(!contains(image->bytes, secret));
    BOOST_TEST(!contains(image->bytes, std::string("Exif\0\0", 6)));
}

BOOST_AUTO_TEST_CASE(a_small_image_is_not_scaled_up_and_a_png_stays_a_png) {
    const auto image = reencode_image(transparent_png(100, 40));
    BOOST_TEST_REQUIRE(image.has_value());
    BOOST_TEST(image->extension == ".png");
    const std::string header = vips_header(image->bytes, ".png");
    BOOST_TEST(contains(header, "pngload"), header);
    BOOST_TEST(header_number(header, "width") == 100);
    BOOST_TEST(header_number(header, "height") == 40);
    BOOST_TEST(header_number(header, "bands") == 4);  // the transparency kept
}

BOOST_AUTO_TEST_CASE(what_is_not_a_whole_jpeg_png_webp_or_gif_is_refused) {
    const std::string jpeg = noise_jpeg(300, 200);
    BOOST_TEST(problem_of("") == ImageProblem::Empty);
    BOOST_TEST(problem_of("just some text, not an image") == ImageProblem::NotAnImage);
    BOOST_TEST(problem_of(jpeg.substr(0, jpeg.size() / 2)) == ImageProblem::NotAnImage);  // truncated
    BOOST_TEST(problem_of(jpeg.substr(0, 200)) == ImageProblem::NotAnImage);              // just a header
    BOOST_TEST(problem_of("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>") == ImageProblem::NotAnImage);
    BOOST_TEST(problem_of("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>") == ImageProblem::NotAnImage);
    BOOST_TEST(problem_of("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n") == ImageProblem::NotAnImage);
    BOOST_TEST(problem_of(vips_make("black", ".tif", "10 10")) == ImageProblem::NotAnImage);  // vips reads TIFF; we do not
    // An HTML/JPEG polyglot: a valid JPEG whose comment is a page.
    const std::string polyglot = with_segment(jpeg, 0xFE, "<html><script>alert(document.cookie)</script></html>");
    BOOST_TEST_REQUIRE(contains(vips_header(polyglot, ".jpg"), "jpegload"), "the polyglot is a JPEG libvips reads");
    BOOST_TEST(problem_of(polyglot) == ImageProblem::NotAnImage);
    BOOST_TEST(problem_of(jpeg + "<!DOCTYPE html><p>after the image</p>") == ImageProblem::NotAnImage);
}

BOOST_AUTO_TEST_CASE(size_and_dimensions_are_checked_before_decoding) {
    // An image bomb: 30000×30000 in its header, a few KB of file.
    const std::string bomb = with_dimensions(noise_jpeg(64, 64), 30000, 30000);
    BOOST_TEST_REQUIRE(header_number(vips_header(bomb, ".jpg"), "width") == 30000);
    BOOST_TEST(problem_of(bomb) == ImageProblem::TooManyPixels);
    BOOST_TEST(problem_of(noise_jpeg(4097, 8)) == ImageProblem::TooManyPixels);
    BOOST_TEST(reencode_image(noise_jpeg(4096, 8)).has_value());

    std::string big = noise_jpeg(64, 64);
    big += std::string(2 * 1024 * 1024 + 1 - big.size(), '\0');
    BOOST_TEST(problem_of(big) == ImageProblem::TooLarge);
    gatehouse::core::ImageRules rules;
    rules.max_bytes = 100;
    BOOST_TEST(reencode_image(noise_jpeg(64, 64), rules).error() == ImageProblem::TooLarge);
}

BOOST_AUTO_TEST_CASE(media_files_get_random_names_mode_0644_and_only_ours_are_removed) {
    TempDir dir;
    gatehouse::store::MediaStore media(dir.path());
    const std::string a = media.put("one", ".jpg"), b = media.put("two", ".png");
    BOOST_TEST(a != b);
    BOOST_TEST(gatehouse::store::MediaStore::is_media_name(a));
    BOOST_TEST(b.ends_with(".png"));
    BOOST_TEST(read_bytes(dir.file(a)) == "one");
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(dir.file(a).c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0644u);
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    BOOST_TEST(entries == 2);  // no temporary file left behind
    dir.write("keep.txt", "x");
    media.remove("keep.txt");
    media.remove("../" + a);
    BOOST_TEST(std::filesystem::exists(dir.file("keep.txt")));
    BOOST_TEST(std::filesystem::exists(dir.file(a)));
    media.remove(a);
    BOOST_TEST(!std::filesystem::exists(dir.file(a)));
}

BOOST_AUTO_TEST_CASE(a_device_network_is_the_ipv4_24_or_the_ipv6_64) {
    using gatehouse::accounts::device_network;
    BOOST_TEST(device_network("203.0.113.77") == "203.0.113.0/24");
    BOOST_TEST(device_network("203.0.113.5") == device_network("203.0.113.200"));
    BOOST_TEST(device_network("203.0.114.5") != device_network("203.0.113.5"));
    BOOST_TEST(device_network("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
    BOOST_TEST(device_network("2001:db8:1:2::9") == device_network("2001:db8:1:2:ffff::1"));
    BOOST_TEST(device_network("2001:db8:1:3::9") != device_network("2001:db8:1:2::9"));
    BOOST_TEST(device_network("::ffff:198.51.100.9") == "198.51.100.0/24");
    BOOST_TEST(device_network("not an address") == "not an address");
    using gatehouse::accounts::ClientInfo;
    BOOST_TEST(gatehouse::accounts::device_key(ClientInfo{"203.0.113.1", "Firefox"}) ==
               gatehouse::accounts::device_key(ClientInfo{"203.0.113.99", "Firefox"}));
    BOOST_TEST(gatehouse::accounts::device_key(ClientInfo{"203.0.113.1", "Firefox"}) !=
               gatehouse::accounts::device_key(ClientInfo{"203.0.113.1", "Chrome"}));
}

BOOST_AUTO_TEST_SUITE_END()
