// The profile picture end to end, through nginx (README: Profile picture): uploaded from the profile
// page (a multipart form with its CSRF token) and with PATCH /api/me/, served re-encoded from /media/
// with its own Content-Type, nosniff and a sandboxing CSP, its EXIF gone and at most 512×512; every bad
// image refused with a field error and the old picture kept; "image": null removes it. The images are
// made and read by libvips' command-line tools (tests/unit/sample_images.hpp).
#include "../unit/sample_images.hpp"
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

using namespace gatehouse::e2e;
namespace img = gatehouse::test;

namespace {

const std::string kSecret = "GPS 48.8584N 2.2945E e2e-secret-camera";

struct Part {
    std::string name, value, filename, type;  // a file when filename is set
};

std::string multipart(const std::vector<Part>& parts, const std::string& boundary) {
    std::string body;
    for (const auto& p : parts) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"\r\nContent-Type: " + p.type;
        body += "\r\n\r\n" + p.value + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

const std::string kBoundary = "----gatehouse-e2e-7MA4YWxkTrZu0gW";
const std::string kMultipart = "multipart/form-data; boundary=" + kBoundary;

// The profile form sent with a file, as a browser sends it: the page's CSRF token, the form's fields.
HttpResponse upload_page(Browser& browser, const std::string& bytes, const std::string& filename = "me.jpg") {
    BOOST_TEST_REQUIRE(browser.get("/accounts/profile/").status == 200);
    const std::string body = multipart({{"csrfmiddlewaretoken", browser.csrf_token(), {}, {}},
                                        {"first_name", "Ada", {}, {}},
                                        {"image", bytes, filename, "image/jpeg"}},
                                       kBoundary);
    return browser.client().request("POST", browser.url("/accounts/profile/"), body,
                                     {{"Content-Type", kMultipart},
                                      {"Origin", browser.origin()},
                                      {"Referer", browser.url("/accounts/profile/")},
                                      {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) e2e-browser"}});
}

HttpResponse upload_api(const Stack& stack, const std::string& auth, const std::string& bytes) {
    HttpClient client({.cookies = false});
    const std::string body = multipart({{"image", bytes, "me.jpg", "image/jpeg"}}, kBoundary);
    return client.request("PATCH", stack.https_url("/api/me/"), body,
                          {{"Content-Type", kMultipart}, {"Authorization", auth}, {"Accept", "application/json"}});
}

// The picture's path on the profile page (<img src="/media/…">), "" without one.
std::string page_image(Browser& browser) {
    const auto page = browser.get("/accounts/profile/");
    std::smatch m;
    static const std::regex img_src("<img src=\"(/media/[0-9a-f]{32}\\.(?:jpg|png))\"");
    return std::regex_search(page.body, m, img_src) ? m[1].str() : std::string();
}

// Fetched through nginx as anyone would: the checks every served picture passes.
void check_served(const Stack& stack, const std::string& path, const std::string& type) {
    HttpClient client({.cookies = false});
    const auto r = client.get(stack.https_url(path));
    BOOST_TEST_REQUIRE(r.status == 200, path);
    BOOST_TEST(r.header("Content-Type").value_or("") == type);
    BOOST_TEST(r.header("X-Content-Type-Options").value_or("") == "nosniff");
    BOOST_TEST(contains(r.header("Content-Security-Policy").value_or(""), "sandbox"));
    BOOST_TEST(contains(r.header("Content-Security-Policy").value_or(""), "default-src 'none'"));
    const std::string header = img::vips_header(r.body, type == "image/png" ? ".png" : ".jpg");
    BOOST_TEST(contains(header, type == "image/png" ? "pngload" : "jpegload"), "it decodes: " << header);
    const int width = img::header_number(header, "width"), height = img::header_number(header, "height");
    BOOST_TEST((width > 0 && width <= 512 && height > 0 && height <= 512), width << "×" << height);
    BOOST_TEST(lacks(header, "exif-data"));
    BOOST_TEST(r.body.find(kSecret) == std::string::npos, "the EXIF text is gone");
}

std::string media_file(const Stack& stack, const std::string& path) {
    return stack.var_dir() + "/media/" + path.substr(path.rfind('/') + 1);
}

// Each bad image of the issue, with the message it must get.
struct Bad {
    const char* what;
    std::string bytes;
    std::string message;
};

std::vector<Bad> bad_images() {
    const std::string jpeg = img::noise_jpeg(200, 120);
    const std::string invalid = "Upload a valid image. The file you uploaded was either not an image or a corrupted image.";
    std::string over = jpeg;
    over += std::string(2 * 1024 * 1024 + 100 - over.size(), 'x');
    return {
        {"a text file", "this is not an image at all\n", invalid},
        {"a truncated JPEG", jpeg.substr(0, jpeg.size() / 2), invalid},
        {"an image bomb", img::with_dimensions(img::noise_jpeg(64, 64), 30000, 30000),
         "The image is too large: at most 4096×4096 pixels."},
        {"an SVG", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><script>alert(1)</script></svg>", invalid},
        {"an HTML/JPEG polyglot", img::with_segment(jpeg, 0xFE, "<html><body><script>alert(document.cookie)</script></body></html>"), invalid},
        {"over 2 MiB", over, "The image is too large: at most 2 MiB."},
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(profile_picture)

BOOST_AUTO_TEST_CASE(uploaded_from_the_page_served_re_encoded_and_bad_ones_refused) {
    auto& stack = shared_stack();
    const std::string email = unique_email("picture");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    BOOST_TEST(page_image(browser).empty());

    const std::string sent = img::with_exif(img::noise_jpeg(1600, 900), kSecret);
    BOOST_TEST_REQUIRE(contains(img::vips_header(sent, ".jpg"), "exif-data"), "the sample has EXIF to lose");
    const auto r = upload_page(browser, sent);
    BOOST_TEST_REQUIRE(r.status == 302, r.status << " " << r.body.substr(0, 2000));
    BOOST_TEST(r.header("Location").value_or("") == "/accounts/profile/");
    const std::string first = page_image(browser);
    BOOST_TEST_REQUIRE(!first.empty());
    check_served(stack, first, "image/jpeg");
    BOOST_TEST(img::header_number(img::vips_header(img::read_bytes(media_file(stack, first)), ".jpg"), "width") == 512);

    for (const auto& bad : bad_images()) {
        BOOST_TEST_CONTEXT(bad.what) {
            const auto refused = upload_page(browser, bad.bytes);
            BOOST_TEST(refused.status == 200);
            BOOST_TEST(error_next_to(refused.body, "image", bad.message), refused.body.substr(0, 3000));
            BOOST_TEST(page_image(browser) == first, "the old picture stays");
        }
    }
    BOOST_TEST(std::filesystem::exists(media_file(stack, first)));

    // Another picture replaces it, and the old file goes.
    const auto replaced = upload_page(browser, img::transparent_png(40, 30), "me.png");
    BOOST_TEST_REQUIRE(replaced.status == 302, replaced.body.substr(0, 2000));
    const std::string second = page_image(browser);
    BOOST_TEST_REQUIRE(second.ends_with(".png"));
    check_served(stack, second, "image/png");
    BOOST_TEST(!std::filesystem::exists(media_file(stack, first)));
    BOOST_TEST(HttpClient({.cookies = false}).get(stack.https_url(first)).status == 404);

    // "Remove the picture".
    BOOST_TEST_REQUIRE(browser.get("/accounts/profile/").status == 200);
    const auto removed = browser.client().request(
        "POST", browser.url("/accounts/profile/"),
        multipart({{"csrfmiddlewaretoken", browser.csrf_token(), {}, {}}, {"image-clear", "on", {}, {}}}, kBoundary),
        {{"Content-Type", kMultipart}, {"Origin", browser.origin()}, {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) e2e-browser"}});
    BOOST_TEST_REQUIRE(removed.status == 302, removed.body.substr(0, 2000));
    BOOST_TEST(page_image(browser).empty());
    BOOST_TEST(!std::filesystem::exists(media_file(stack, second)));
}

BOOST_AUTO_TEST_CASE(a_multipart_form_without_the_csrf_token_is_refused) {
    auto& stack = shared_stack();
    const std::string email = unique_email("picturecsrf");
    sign_up_verified(stack, email);
    Browser browser(stack);
    BOOST_TEST_REQUIRE(log_in(browser, email).status == 302);
    const auto r = browser.client().request(
        "POST", browser.url("/accounts/profile/"),
        multipart({{"image", img::noise_jpeg(50, 50), "me.jpg", "image/jpeg"}}, kBoundary),
        {{"Content-Type", kMultipart}, {"Origin", browser.origin()}, {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) e2e-browser"}});
    BOOST_TEST(r.status == 403);
    BOOST_TEST(page_image(browser).empty());
}

BOOST_AUTO_TEST_CASE(the_api_uploads_shows_refuses_and_removes_it) {
    auto& stack = shared_stack();
    api::ApiClient client(stack);
    const std::string email = api::unique_email("pictureapi");
    api::verified_user(client, email);
    const std::string auth = api::bearer(api::obtain(client, email).access);
    BOOST_TEST(client.get("/api/me/", auth).json().at("image").is_null());

    const auto r = upload_api(stack, auth, img::with_exif(img::noise_jpeg(700, 1400), kSecret));
    BOOST_TEST_REQUIRE(r.status == 200, api::show(r));
    const std::string url = r.json().at("image").get<std::string>();
    BOOST_TEST(std::regex_match(url, std::regex("https://localhost:[0-9]+/media/[0-9a-f]{32}\\.jpg")), url);
    const std::string path = url.substr(url.find("/media/"));
    BOOST_TEST(client.get("/api/me/", auth).json().at("image") == url);
    check_served(stack, path, "image/jpeg");

    for (const auto& bad : bad_images()) {
        BOOST_TEST_CONTEXT(bad.what) {
            const auto refused = upload_api(stack, auth, bad.bytes);
            BOOST_TEST(refused.status == 400, api::show(refused));
            BOOST_TEST(refused.json() == api::json({{"image", {bad.message}}}), api::show(refused));
            BOOST_TEST(client.get("/api/me/", auth).json().at("image") == url, "the old picture stays");
        }
    }
    // A text value is not a file (DRF's message); a JSON null removes the picture.
    const auto text = client.patch("/api/me/", {{"image", "https://example.com/me.jpg"}}, auth);
    BOOST_TEST(text.status == 400);
    BOOST_TEST(text.json() == api::json({{"image", {"The submitted data was not a file. Check the encoding type on the form."}}}));
    const auto removed = client.patch("/api/me/", {{"image", nullptr}}, auth);
    BOOST_TEST_REQUIRE(removed.status == 200, api::show(removed));
    BOOST_TEST(removed.json().at("image").is_null());
    BOOST_TEST(client.get("/api/me/", auth).json().at("image").is_null());
    BOOST_TEST(!std::filesystem::exists(media_file(stack, path)));
    BOOST_TEST(HttpClient({.cookies = false}).get(stack.https_url(path)).status == 404);
}

BOOST_AUTO_TEST_CASE(media_serves_only_picture_names_and_never_a_listing) {
    auto& stack = shared_stack();
    HttpClient client({.cookies = false});
    std::ofstream(stack.var_dir() + "/media/page.html") << "<script>alert(1)</script>";
    std::ofstream(stack.var_dir() + "/media/0123456789abcdef0123456789abcdef.svg") << "<svg/>";
    for (const char* path : {"/media/", "/media/page.html", "/media/0123456789abcdef0123456789abcdef.svg",
                             "/media/../gatehouse.db", "/media/.hidden.jpg"}) {
        const auto r = client.get(stack.https_url(path));
        BOOST_TEST((r.status == 404 || r.status == 400), path << ": " << r.status);
        BOOST_TEST(lacks(r.body, "<script>alert"), path);
    }
    std::filesystem::remove(stack.var_dir() + "/media/page.html");
    std::filesystem::remove(stack.var_dir() + "/media/0123456789abcdef0123456789abcdef.svg");
}

BOOST_AUTO_TEST_SUITE_END()
