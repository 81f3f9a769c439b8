// Runs last (file order is registration order): every status the shared stack's workers answered on
// an /api/ route during the whole end-to-end run is one templates/openapi.json documents for that
// path and method — the statuses the handlers really return, checked against the document, from the
// workers' own log lines ("req=… METHOD /route/pattern/ STATUS …"). The statuses the document's
// description promises on every path (404, 405, 413, 415, 503) count for every path.
#include "checks.hpp"
#include "stack.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace gatehouse::e2e;

namespace {

// Router pattern → OpenAPI path: <int:id> → {id}, <token> → {token}.
std::string openapi_path(const std::string& pattern) {
    static const std::regex param(R"(<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>)");
    return std::regex_replace(pattern, param, "{$1}");
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_schema_statuses)

BOOST_AUTO_TEST_CASE(every_status_the_api_answered_is_documented) {
    std::ifstream in(shared_stack().home() + "/templates/openapi.json");
    BOOST_TEST_REQUIRE(in.good());
    const auto schema = nlohmann::json::parse(in);
    const std::set<std::string> on_every_path = {"404", "405", "413", "415", "503"};

    static const std::regex line(R"(req=\S+ ([A-Z]+) (/api/\S*) (\d{3}) )");
    std::istringstream log(shared_stack().log());
    std::set<std::string> seen, undocumented;
    for (std::string text; std::getline(log, text);) {
        std::smatch m;
        if (!std::regex_search(text, m, line)) continue;
        const std::string method = lower(m[1]), path = openapi_path(m[2]), status = m[3];
        if (method == "head") continue;
        seen.insert(method + " " + path + " " + status);
        if (on_every_path.count(status)) continue;
        const auto operation = schema["paths"].value(path, nlohmann::json::object()).value(method, nlohmann::json::object());
        const auto responses = operation.value("responses", nlohmann::json::object());
        if (!responses.contains(status) && !responses.contains("default"))
            undocumented.insert(method + " " + path + " → " + status);
    }
    BOOST_TEST_MESSAGE(seen.size() << " (method, path, status) answered by the API during the run");
    BOOST_TEST(seen.size() > 50u, "the shared stack saw little of the API");
    for (const auto& gap : undocumented) BOOST_TEST(false, "answered but not documented: " << gap);
}

BOOST_AUTO_TEST_SUITE_END()
