// libFuzzer target: a FastCGI request as the workers get it → http::parse_request.
//
// Input: "NAME=value" lines (FastCGI params: REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_TYPE,
// HTTP_COOKIE, HTTP_*, CONTENT_LENGTH …), an empty line, then the body (like an HTTP message). Lines
// without '=' are skipped. CONTENT_LENGTH defaults to the body's size, as nginx sends it.
// parse_request must answer every input with a Request or a 400/413 — never crash, hang, leak or
// throw (an exception would be a 500 for a malformed request).
#include "gatehouse/core/text.hpp"
#include "gatehouse/http/request.hpp"

#include "fuzz_util.hpp"

#include <cctype>

using gatehouse::core::is_valid_utf8;
using gatehouse::http::percent_decode;

namespace {

void check_percent_decode(std::string_view text) {
    for (bool plus : {false, true}) {
        const auto decoded = percent_decode(text, plus);
        if (!decoded) continue;
        FUZZ_CHECK(is_valid_utf8(*decoded));
        FUZZ_CHECK(decoded->size() <= text.size());
        if (text.find('%') == std::string_view::npos && (!plus || text.find('+') == std::string_view::npos))
            FUZZ_CHECK(*decoded == text);
    }
}

template <typename Map>
void check_utf8_entries(const Map& map) {
    for (const auto& [name, value] : map) {
        FUZZ_CHECK(is_valid_utf8(name));
        FUZZ_CHECK(is_valid_utf8(value));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::as_text(data, size);
    const auto blank = input.find("\n\n");
    const std::string_view head = input.substr(0, blank);
    const std::string body(blank == std::string_view::npos ? std::string_view() : input.substr(blank + 2));

    gatehouse::http::Params params;
    std::string_view rest = head;
    while (!rest.empty()) {
        const auto eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        params[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    if (!params.count("CONTENT_LENGTH")) params["CONTENT_LENGTH"] = std::to_string(body.size());

    // Valid UTF-8 stays valid when cut between two lines (a line break is a whole code point).
    if (is_valid_utf8(input)) FUZZ_CHECK(is_valid_utf8(head) && is_valid_utf8(body));
    check_percent_decode(head);
    if (auto it = params.find("REQUEST_URI"); it != params.end()) check_percent_decode(it->second);
    if (auto it = params.find("QUERY_STRING"); it != params.end()) check_percent_decode(it->second);

    if (const auto length = gatehouse::http::announced_body_length(params); length)
        FUZZ_CHECK(*length <= gatehouse::http::kMaxUploadBodyBytes);
    else
        FUZZ_CHECK(length.error().status == 400 || length.error().status == 413);

    const auto parsed = gatehouse::http::parse_request(params, body);
    if (!parsed) {
        FUZZ_CHECK(parsed.error().status == 400 || parsed.error().status == 413);
        FUZZ_CHECK(!parsed.error().message.empty());
        return 0;
    }
    const gatehouse::http::Request& req = *parsed;
    FUZZ_CHECK(!req.method.empty());
    FUZZ_CHECK(!req.path.empty() && req.path.front() == '/');
    FUZZ_CHECK(req.path.find('\0') == std::string::npos && is_valid_utf8(req.path));
    FUZZ_CHECK(req.content_type.find(';') == std::string::npos && req.content_type.find(' ') == std::string::npos);
    FUZZ_CHECK(req.body == body);
    for (const auto& [name, value] : req.headers) {
        for (unsigned char ch : name) FUZZ_CHECK(!std::isupper(ch) && ch != '_');
        for (unsigned char ch : value) FUZZ_CHECK((ch >= 0x20 || ch == '\t') && ch != 0x7F);
    }
    check_utf8_entries(req.cookies);
    check_utf8_entries(req.query);
    check_utf8_entries(req.form);
    for (const auto& [name, value] : req.cookies) FUZZ_CHECK(!name.empty());
    if (req.json) FUZZ_CHECK(!req.json->is_discarded());

    // The accessors the handlers use.
    (void)req.header("user-agent");
    (void)req.cookie("csrftoken");
    (void)req.query_param("next");
    (void)req.form_field("csrfmiddlewaretoken");
    (void)req.is_api();
    if (req.json) (void)req.json->dump();
    return 0;
}
