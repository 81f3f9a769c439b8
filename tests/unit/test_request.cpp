#include "gatehouse/core/text.hpp"
#include "gatehouse/http/request.hpp"

#include <boost/test/unit_test.hpp>
#include <cgicc/CgiEnvironment.h>
#include <cgicc/CgiInput.h>

#include <random>

using namespace std::string_literals;

using namespace gatehouse::http;

namespace {

Params get(std::string uri, std::string query_string = "") {
    return {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", std::move(uri)}, {"QUERY_STRING", std::move(query_string)},
            {"REMOTE_ADDR", "192.0.2.7"}};
}

Params post(std::string uri, std::string content_type, const std::string& body) {
    return {{"REQUEST_METHOD", "POST"}, {"REQUEST_URI", std::move(uri)}, {"CONTENT_TYPE", std::move(content_type)},
            {"CONTENT_LENGTH", std::to_string(body.size())}};
}

// The status of the error, or 0 when the request parsed.
int status_of(const Params& params, std::string body = "") {
    const auto r = parse_request(params, std::move(body));
    return r ? 0 : r.error().status;
}

// cgicc's own reading of a Cookie header, the reference split_cookie_header must agree with.
class CookieOnlyInput final : public cgicc::CgiInput {
public:
    explicit CookieOnlyInput(std::string header) : header_(std::move(header)) {}
    size_t read(char*, size_t) override { return 0; }
    std::string getenv(const char* name) override {
        if (std::string_view(name) == "HTTP_COOKIE") return header_;
        if (std::string_view(name) == "REQUEST_METHOD") return "GET";
        return {};
    }

private:
    std::string header_;
};

std::vector<std::pair<std::string, std::string>> cgicc_cookies(const std::string& header) {
    CookieOnlyInput input(header);
    cgicc::CgiEnvironment environment(&input);
    std::vector<std::pair<std::string, std::string>> cookies;
    for (const auto& c : environment.getCookieList()) cookies.emplace_back(c.getName(), c.getValue());
    return cookies;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request)

BOOST_AUTO_TEST_CASE(cookie_headers_split_as_cgicc_splits_them) {
    const std::vector<std::string> headers = {
        "", "a=1", "sessionid=abc; csrftoken=XyZ", " \t a = 1 ;b=2;;c", "=v; x=; y", "a=1=2; b==", ";;; ;",
        "n=\"quoted; still\"", "\xff=\xfe; ok=1", "  =only-spaces", "a=1; a=2", "trailing=space ; next=1 "};
    for (const auto& header : headers) BOOST_TEST((split_cookie_header(header) == cgicc_cookies(header)), header);
    std::mt19937 rng(20261207);
    const std::string alphabet = "ab=; \t\n,\"%\x80";
    for (int i = 0; i < 3000; ++i) {
        std::string header;
        for (int n = rng() % 24; n > 0; --n) header += alphabet[rng() % alphabet.size()];
        BOOST_TEST((split_cookie_header(header) == cgicc_cookies(header)), header);
    }
}

BOOST_AUTO_TEST_CASE(the_first_of_two_cookies_with_one_name_is_kept) {
    Params p = get("/");
    p["HTTP_COOKIE"] = "sessionid=first; sessionid=second";
    const auto r = parse_request(p, "");
    BOOST_REQUIRE(r);
    BOOST_TEST(r->cookie("sessionid").value_or("") == "first");
}

BOOST_AUTO_TEST_CASE(basics_headers_and_cookies) {
    Params p = get("/accounts/caf%C3%A9/?next=%2Fhome", "next=%2Fhome");
    p["HTTP_USER_AGENT"] = "curl/8.0";
    p["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest";
    p["HTTP_COOKIE"] = "sessionid=abc123; csrftoken=XyZ; padded=YWJj==";
    const auto r = parse_request(p, "");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->method == "GET");
    BOOST_TEST(r->path == "/accounts/café/");
    BOOST_TEST(r->query_string == "next=%2Fhome");
    BOOST_TEST(r->remote_addr == "192.0.2.7");
    BOOST_TEST(r->header("user-agent") == "curl/8.0");
    BOOST_TEST(r->header("x-requested-with") == "XMLHttpRequest");
    BOOST_TEST(r->header("cookie") == "sessionid=abc123; csrftoken=XyZ; padded=YWJj==");
    BOOST_TEST(r->header("absent").empty());
    BOOST_TEST(r->cookie("sessionid").value_or("") == "abc123");
    BOOST_TEST(r->cookie("csrftoken").value_or("") == "XyZ");
    BOOST_TEST(r->cookie("padded").value_or("") == "YWJj==");
    BOOST_TEST(!r->cookie("other").has_value());
    BOOST_TEST(!r->is_api());
}

BOOST_AUTO_TEST_CASE(query_parameters_are_decoded) {
    const auto r = parse_request(get("/api/search?q=a%20b+c&lang=fr&q=2", "q=a%20b+c&lang=fr&q=2"), "");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->is_api());
    BOOST_TEST(r->query_param("lang").value_or("") == "fr");
    BOOST_TEST(r->query.count("q") == 2u);
    BOOST_TEST(r->query_param("q").value_or("") == "a b c");
    BOOST_TEST(!r->query_param("missing").has_value());
}

BOOST_AUTO_TEST_CASE(query_comes_from_the_request_uri) {
    // nginx passes both; the URI is what the client sent, so it is the one parsed.
    Params p = get("/search?q=from-uri");
    p.erase("QUERY_STRING");
    const auto r = parse_request(p, "");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->query_string == "q=from-uri");
    BOOST_TEST(r->query_param("q").value_or("") == "from-uri");
    // A malformed QUERY_STRING that differs from the URI cannot slip past the checks.
    BOOST_TEST(parse_request(get("/search?q=1", "q=%zz"), "").value().query_param("q").value_or("") == "1");
}

BOOST_AUTO_TEST_CASE(urlencoded_form) {
    const std::string body = "email=a%40x.org&password=p%26ss+word&name=J%C3%BCrgen";
    const auto r = parse_request(post("/accounts/login/", "application/x-www-form-urlencoded", body), body);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->method == "POST");
    BOOST_TEST(r->content_type == "application/x-www-form-urlencoded");
    BOOST_TEST(r->form_field("email").value_or("") == "a@x.org");
    BOOST_TEST(r->form_field("password").value_or("") == "p&ss word");
    BOOST_TEST(r->form_field("name").value_or("") == "Jürgen");
    BOOST_TEST(r->body == body);
    BOOST_TEST(!r->json.has_value());
}

BOOST_AUTO_TEST_CASE(multipart_form) {
    const std::string body =
        "--XyZ123\r\n"
        "Content-Disposition: form-data; name=\"email\"\r\n"
        "\r\n"
        "a@x.org\r\n"
        "--XyZ123\r\n"
        "Content-Disposition: form-data; name=\"bio\"\r\n"
        "\r\n"
        "line one\r\nl\xc3\xafne two\r\n"
        "--XyZ123--\r\n";
    const auto r = parse_request(post("/accounts/profile/", "multipart/form-data; boundary=XyZ123", body), body);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->content_type == "multipart/form-data");
    BOOST_TEST(r->form_field("email").value_or("") == "a@x.org");
    BOOST_TEST(r->form_field("bio").value_or("") == "line one\r\nl\xc3\xafne two");

    BOOST_TEST(status_of(post("/x/", "multipart/form-data", body), body) == 400);  // no boundary
}

// A file part keeps its bytes as sent (binary, not UTF-8) apart from the text fields.
BOOST_AUTO_TEST_CASE(multipart_file) {
    const std::string bytes("\xFF\xD8\xFF\xE0\0\x10JFIF\0\x80\xFF\xFE", 15);
    const std::string body = "--b0\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\ntok\r\n"
                             "--b0\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.jpg\"\r\n"
                             "Content-Type: image/jpeg\r\n\r\n" + bytes + "\r\n--b0--\r\n";
    const auto r = parse_request(post("/accounts/profile/", "multipart/form-data; boundary=b0", body), body);
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->form_field("csrfmiddlewaretoken").value_or("") == "tok");
    BOOST_TEST(!r->form_field("image").has_value());
    const auto* file = r->file("image");
    BOOST_TEST_REQUIRE(file != nullptr);
    BOOST_TEST(file->data == bytes);
    BOOST_TEST(file->filename == "me.jpg");
    BOOST_TEST(file->content_type == "image/jpeg");
    BOOST_TEST(r->file("other") == nullptr);
}

BOOST_AUTO_TEST_CASE(json_body) {
    const std::string body = R"({"email": "a@x.org", "remember": true, "n": [1, 2]})";
    const auto r = parse_request(post("/api/token", "Application/JSON; charset=utf-8", body), body);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->content_type == "application/json");
    BOOST_REQUIRE(r->json.has_value());
    BOOST_TEST((*r->json)["email"].get<std::string>() == "a@x.org");
    BOOST_TEST((*r->json)["remember"].get<bool>());
    BOOST_TEST((*r->json)["n"].size() == 2u);
    BOOST_TEST(r->form.empty());

    for (const char* bad : {"{", R"({"a": })", "[1, 2,]", "nul", "{\"a\": 1} trailing", "{'a': 1}"})
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(status_of(post("/api/token", "application/json", bad), bad) == 400); }
}

BOOST_AUTO_TEST_CASE(malformed_percent_encoding_is_400) {
    BOOST_TEST(status_of(get("/search?q=%zz", "q=%zz")) == 400);
    BOOST_TEST(status_of(get("/search?q=%4", "q=%4")) == 400);
    BOOST_TEST(status_of(get("/search?q=%", "q=%")) == 400);
    BOOST_TEST(status_of(get("/caf%C3")) == 400);   // truncated UTF-8 in the path
    BOOST_TEST(status_of(get("/a%2")) == 400);
    BOOST_TEST(status_of(get("/a%00b")) == 400);     // NUL in the path
    BOOST_TEST(status_of(get("relative")) == 400);
    const std::string body = "email=a%4";
    BOOST_TEST(status_of(post("/x/", "application/x-www-form-urlencoded", body), body) == 400);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_form_values_is_400) {
    for (std::string body : {"name=%FF"s, "name=%C3%28"s, "name=%ED%A0%80"s, "name=%C0%AF"s, "na%FFme=x"s,
                             "name=\xff"s}) {
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST(status_of(post("/x/", "application/x-www-form-urlencoded", body), body) == 400);
        }
    }
    BOOST_TEST(status_of(get("/search?q=%FF", "q=%FF")) == 400);
}

BOOST_AUTO_TEST_CASE(bad_method_and_headers_are_400) {
    Params p = get("/");
    p["REQUEST_METHOD"] = "get";
    BOOST_TEST(status_of(p) == 400);
    p["REQUEST_METHOD"] = "";
    BOOST_TEST(status_of(p) == 400);
    p = get("/");
    p["HTTP_X_EVIL"] = "a\r\nb";
    BOOST_TEST(status_of(p) == 400);
}

BOOST_AUTO_TEST_CASE(body_size_limits) {
    const std::string big(kMaxBodyBytes + 1, 'a');
    BOOST_TEST(status_of(post("/x/", "application/json", big), big) == 413);
    const std::string max = "x=" + std::string(kMaxBodyBytes - 2, 'a');
    BOOST_TEST(status_of(post("/x/", "application/x-www-form-urlencoded", max), max) == 0);

    auto announced = [](std::string value) { return announced_body_length({{"CONTENT_LENGTH", std::move(value)}}); };
    BOOST_TEST(announced_body_length({}).value() == 0u);
    BOOST_TEST(announced("").value() == 0u);
    BOOST_TEST(announced("1234").value() == 1234u);
    BOOST_TEST(announced(std::to_string(kMaxBodyBytes)).value() == kMaxBodyBytes);
    BOOST_TEST(announced(std::to_string(kMaxBodyBytes + 1)).error().status == 413);
    BOOST_TEST(announced("99999999999999999999999999").error().status == 413);
    for (const char* bad : {"abc", "-1", "+5", " 5", "5 ", "1e3", "0x10"})
        BOOST_TEST_CONTEXT(bad) { BOOST_TEST(announced(bad).error().status == 400); }
}

// The two routes a profile picture is uploaded to take 3 MiB, every other 1 MiB.
BOOST_AUTO_TEST_CASE(upload_routes_take_a_larger_body) {
    BOOST_TEST(max_body_bytes("/api/me/") == kMaxUploadBodyBytes);
    BOOST_TEST(max_body_bytes("/accounts/profile/?x=1") == kMaxUploadBodyBytes);
    BOOST_TEST(max_body_bytes("/api/me/devices/") == kMaxBodyBytes);
    BOOST_TEST(max_body_bytes("/api/auth/register/") == kMaxBodyBytes);
    const auto length = [](std::string uri, std::size_t n) {
        return announced_body_length({{"CONTENT_LENGTH", std::to_string(n)}, {"REQUEST_URI", std::move(uri)}});
    };
    BOOST_TEST(length("/api/me/", kMaxUploadBodyBytes).value() == kMaxUploadBodyBytes);
    BOOST_TEST(length("/api/me/", kMaxUploadBodyBytes + 1).error().status == 413);
    BOOST_TEST(length("/api/users/", kMaxBodyBytes + 1).error().status == 413);
    const std::string big(kMaxBodyBytes + 1, 'a');
    BOOST_TEST(status_of(post("/api/me/", "application/octet-stream", big), big) == 0);
    BOOST_TEST(status_of(post("/api/users/", "application/octet-stream", big), big) == 413);
}

BOOST_AUTO_TEST_CASE(percent_decode_and_utf8) {
    BOOST_TEST(percent_decode("%41b+c", true).value_or("") == "Ab c");
    BOOST_TEST(percent_decode("%41b+c", false).value_or("") == "Ab+c");
    BOOST_TEST(!percent_decode("%G1", false).has_value());
    BOOST_TEST(!percent_decode("%FF", false).has_value());
    BOOST_TEST(gatehouse::core::is_valid_utf8("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    BOOST_TEST(!gatehouse::core::is_valid_utf8("\xc3"));
    BOOST_TEST(!gatehouse::core::is_valid_utf8("\xe0\x80\xaf"));      // overlong
    BOOST_TEST(!gatehouse::core::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

BOOST_AUTO_TEST_CASE(percent_encode_round_trips) {
    BOOST_TEST(percent_encode("a b&c=d/é~_.-", true) == "a+b%26c%3Dd%2F%C3%A9~_.-");
    BOOST_TEST(percent_encode("a b", false) == "a%20b");
    BOOST_TEST(percent_encode("", true).empty());
    const std::string every_byte_but_nul = [] {
        std::string s;
        for (int c = 1; c < 128; ++c) s += static_cast<char>(c);
        return s + "\xc3\xa9";
    }();
    BOOST_TEST(percent_decode(percent_encode(every_byte_but_nul, true), true).value_or("") == every_byte_but_nul);
    BOOST_TEST(percent_decode(percent_encode(every_byte_but_nul, false), false).value_or("") == every_byte_but_nul);
}

BOOST_AUTO_TEST_CASE(garbage_never_crashes) {
    std::mt19937 rng(20240601);
    auto garbage = [&](std::size_t max_len, const std::string& alphabet) {
        std::string s(rng() % (max_len + 1), '\0');
        for (char& ch : s) ch = alphabet.empty() ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        return s;
    };
    const std::string nasty = "%=&+;\"'\r\n-\\ /?#aZ09\xc3\xff\x00--b"s;
    const char* types[] = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
                           "multipart/form-data; boundary=", "application/json", "text/plain", ""};
    for (int i = 0; i < 3000; ++i) {
        Params p{{"REQUEST_METHOD", i % 7 ? "POST" : garbage(6, "")},
                 {"REQUEST_URI", "/" + garbage(40, i % 2 ? nasty : "")},
                 {"QUERY_STRING", garbage(40, nasty)},
                 {"CONTENT_TYPE", types[i % std::size(types)]},
                 {"CONTENT_LENGTH", garbage(4, "0123456789-x")},
                 {"HTTP_COOKIE", garbage(40, nasty)}};
        std::string body = i % 3 ? garbage(200, nasty) : garbage(200, "");
        if (i % 5 == 0) body = "--b\r\nContent-Disposition: form-data; name=\"" + garbage(10, nasty) + "\r\n" + body;
        const auto r = parse_request(p, body);  // must return, either way
        if (!r) BOOST_TEST((r.error().status == 400 || r.error().status == 413));
        (void)announced_body_length(p);
    }
}

BOOST_AUTO_TEST_SUITE_END()
