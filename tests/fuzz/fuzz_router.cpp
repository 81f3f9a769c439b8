// libFuzzer target: http::Router with the site's real route table (web::route_table()).
//
// Input: "METHOD path" on the first line (method up to the first space); an optional second line
// is a route pattern added to a copy of the router (it must be taken or refused with
// std::invalid_argument, never crash). The answer must agree with the table it was built from.
#include "gatehouse/http/router.hpp"
#include "gatehouse/web/app.hpp"

#include "fuzz_util.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace {

using Table = std::vector<std::pair<std::string, std::vector<std::string>>>;

const Table& table() {
    static const Table t = gatehouse::web::route_table();
    return t;
}

gatehouse::http::Router make_router() {
    gatehouse::http::Router router;
    for (std::size_t i = 0; i < table().size(); ++i) router.add(table()[i].second, table()[i].first, static_cast<int>(i));
    return router;
}

const gatehouse::http::Router& site_router() {
    static const gatehouse::http::Router r = make_router();
    return r;
}

bool allows(const std::vector<std::string>& methods, std::string_view method) {
    if (std::find(methods.begin(), methods.end(), method) != methods.end()) return true;
    return method == "HEAD" && std::find(methods.begin(), methods.end(), "GET") != methods.end();
}

// The <name> and <int:name> parameters of a pattern.
std::vector<std::pair<std::string, bool>> pattern_params(std::string_view pattern) {
    std::vector<std::pair<std::string, bool>> out;
    for (std::size_t at = pattern.find('<'); at != std::string_view::npos; at = pattern.find('<', at + 1)) {
        const auto end = pattern.find('>', at);
        std::string_view inner = pattern.substr(at + 1, end - at - 1);
        const bool is_int = inner.starts_with("int:");
        if (is_int) inner.remove_prefix(4);
        out.emplace_back(std::string(inner), is_int);
    }
    return out;
}

void check_match(const gatehouse::http::Router& router, std::string_view method, std::string_view path,
                 std::size_t routes) {
    using Kind = gatehouse::http::RouteMatch::Kind;
    const auto m = router.match(method, path);
    switch (m.kind) {
        case Kind::Found: {
            FUZZ_CHECK(m.route >= 0 && static_cast<std::size_t>(m.route) < routes);
            if (static_cast<std::size_t>(m.route) >= table().size()) break;  // the fuzzed extra route
            const auto& [pattern, methods] = table()[static_cast<std::size_t>(m.route)];
            FUZZ_CHECK(allows(methods, method));
            const auto expected = pattern_params(pattern);
            FUZZ_CHECK(m.params.size() == expected.size());
            for (const auto& [name, is_int] : expected) {
                const auto it = m.params.find(name);
                FUZZ_CHECK(it != m.params.end() && !it->second.empty());
                FUZZ_CHECK(it->second.find('/') == std::string::npos);
                if (is_int)
                    FUZZ_CHECK(std::all_of(it->second.begin(), it->second.end(),
                                           [](unsigned char c) { return std::isdigit(c); }));
            }
            break;
        }
        case Kind::MethodNotAllowed: {
            FUZZ_CHECK(!m.allowed.empty());
            FUZZ_CHECK(m.route == -1 && m.params.empty());
            for (const auto& listed : fuzz::split(m.allowed, ',', 64)) {
                const std::string_view name = listed.starts_with(" ") ? listed.substr(1) : listed;
                FUZZ_CHECK(name != method);
            }
            break;
        }
        case Kind::AddSlash: {
            FUZZ_CHECK(method == "GET" || method == "HEAD");
            FUZZ_CHECK(!path.ends_with("/"));
            const auto with_slash = router.match(method, std::string(path) + "/");
            FUZZ_CHECK(with_slash.kind == Kind::Found || with_slash.kind == Kind::MethodNotAllowed);
            break;
        }
        case Kind::NotFound:
            FUZZ_CHECK(m.route == -1 && m.allowed.empty());
            break;
    }
    // The same question gets the same answer.
    const auto again = router.match(method, path);
    FUZZ_CHECK(again.kind == m.kind && again.route == m.route && again.params == m.params && again.allowed == m.allowed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto lines = fuzz::split(fuzz::as_text(data, size), '\n', 3);
    const auto request = fuzz::split(lines[0], ' ', 2);
    const std::string_view method = request.size() == 2 ? request[0] : std::string_view("GET");
    const std::string_view path = request.size() == 2 ? request[1] : request[0];

    check_match(site_router(), method, path, table().size());

    if (lines.size() >= 2) {
        gatehouse::http::Router extended = make_router();
        try {
            extended.add({std::string(method)}, lines[1], static_cast<int>(table().size()));
        } catch (const std::invalid_argument&) {
            return 0;
        }
        check_match(extended, method, path, table().size() + 1);
    }
    return 0;
}
