// templates/openapi.json (served at /api/schema/) against the one route table, web::route_table():
// every API route is documented with exactly its methods, and nothing is documented that is not
// routed — except the rows the schema describes ahead of the code (the allow-list).
#include "gatehouse/store/users.hpp"
#include "gatehouse/web/api.hpp"
#include "gatehouse/web/app.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using Methods = std::set<std::string>;  // lower case, as OpenAPI's operation keys

// Documented, not yet routed: rows the schema describes before the code exists.
// The session that routes one of these MUST remove it here (the test fails until it does), so the
// schema is then checked against the real route like every other.
const std::map<std::string, Methods>& documented_not_routed() {
    static const std::map<std::string, Methods> list = {};
    return list;
}

const std::vector<std::string> kOperationKeys = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// The user object has exactly these fields (README: *JSON API*, *Me*).
const std::vector<std::string> kUserFields = {"id",          "email",         "name",   "first_name",
                                              "last_name",   "phone",         "date_of_birth", "gender",
                                              "is_verified", "is_staff",      "date_joined",   "last_login",
                                              "image"};

nlohmann::json load_schema() {
    std::ifstream in("templates/openapi.json");  // the tests run from the repository root
    BOOST_TEST_REQUIRE(in.good(), "templates/openapi.json not found (run from the repository root)");
    auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    BOOST_TEST_REQUIRE(!doc.is_discarded(), "templates/openapi.json is not valid JSON");
    BOOST_TEST_REQUIRE(doc.is_object());
    BOOST_TEST_REQUIRE(doc.contains("paths"));
    BOOST_TEST_REQUIRE(doc.contains("components"));
    return doc;
}

// Router pattern → OpenAPI path: <int:id> → {id}, <token> → {token}.
std::string openapi_path(const std::string& pattern) {
    static const std::regex param(R"(<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>)");
    return std::regex_replace(pattern, param, "{$1}");
}

// The API, and the machine-read endpoints outside it (health, the gate, metrics); not the HTML pages.
bool documented_in_schema(const std::string& pattern) {
    return pattern.starts_with("/api/") || pattern == "/healthz" || pattern == "/auth/check" || pattern == "/metrics";
}

// The routed API paths with their methods (HEAD is the router's, implied by GET: never listed).
std::map<std::string, Methods> routed() {
    std::map<std::string, Methods> out;
    for (const auto& [pattern, methods] : gatehouse::web::route_table()) {
        if (!documented_in_schema(pattern)) continue;
        auto& set = out[openapi_path(pattern)];
        for (std::string m : methods) {
            std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
            if (m != "head") set.insert(m);
        }
    }
    return out;
}

std::map<std::string, Methods> documented(const nlohmann::json& doc) {
    std::map<std::string, Methods> out;
    for (const auto& [path, item] : doc.at("paths").items()) {
        auto& set = out[path];
        for (const auto& key : kOperationKeys)
            if (item.contains(key)) set.insert(key);
    }
    return out;
}

std::string join(const Methods& methods) {
    std::string out;
    for (const auto& m : methods) out += (out.empty() ? "" : ",") + m;
    return out;
}

// Follows a local "#/a/b" reference; nullptr when it does not resolve.
const nlohmann::json* resolve(const nlohmann::json& doc, const std::string& ref) {
    if (!ref.starts_with("#/")) return nullptr;
    const nlohmann::json::json_pointer pointer(ref.substr(1));
    return doc.contains(pointer) ? &doc.at(pointer) : nullptr;
}

void each_ref(const nlohmann::json& node, std::vector<std::string>& refs) {
    if (node.is_object()) {
        if (auto it = node.find("$ref"); it != node.end() && it->is_string()) refs.push_back(*it);
        for (const auto& [key, value] : node.items()) each_ref(value, refs);
    } else if (node.is_array()) {
        for (const auto& value : node) each_ref(value, refs);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(api_schema)

BOOST_AUTO_TEST_CASE(is_openapi_3_1_with_both_security_schemes) {
    const auto doc = load_schema();
    BOOST_TEST(doc.value("openapi", "") == "3.1.0");
    BOOST_TEST(doc.at("info").contains("title"));
    BOOST_TEST(doc.at("info").contains("version"));
    const auto& schemes = doc.at("components").at("securitySchemes");
    BOOST_TEST(schemes.at("bearerAuth").value("type", "") == "http");
    BOOST_TEST(schemes.at("bearerAuth").value("scheme", "") == "bearer");
    BOOST_TEST(schemes.at("bearerAuth").value("bearerFormat", "") == "JWT");
    BOOST_TEST(schemes.at("tokenAuth").value("type", "") == "apiKey");
    BOOST_TEST(schemes.at("tokenAuth").value("in", "") == "header");
    BOOST_TEST(schemes.at("tokenAuth").value("name", "") == "Authorization");
}

BOOST_AUTO_TEST_CASE(every_routed_api_path_is_documented_with_exactly_its_methods) {
    const auto doc = load_schema();
    const auto paths = documented(doc);
    for (const auto& [path, methods] : routed()) {
        auto it = paths.find(path);
        BOOST_TEST((it != paths.end()), "routed but missing from templates/openapi.json: " << path);
        if (it == paths.end()) continue;
        BOOST_TEST(join(it->second) == join(methods), "methods of " << path << ": schema has " << join(it->second)
                                                                     << ", route table has " << join(methods));
    }
}

BOOST_AUTO_TEST_CASE(everything_documented_is_routed_except_the_allow_list) {
    const auto doc = load_schema();
    const auto routes = routed();
    for (const auto& [path, methods] : documented(doc)) {
        auto allowed = documented_not_routed().find(path);
        if (allowed != documented_not_routed().end()) {
            BOOST_TEST(!routes.contains(path), path << " is routed now: remove it from documented_not_routed() in "
                                                       "tests/unit/test_api_schema.cpp");
            BOOST_TEST(join(methods) == join(allowed->second),
                       "methods of " << path << ": schema has " << join(methods) << ", allow-list has " << join(allowed->second));
            continue;
        }
        auto it = routes.find(path);
        BOOST_TEST((it != routes.end()), "documented but not routed: " << path);
        if (it == routes.end()) continue;
        for (const auto& m : methods)
            BOOST_TEST(it->second.contains(m), "documented but not routed: " << m << " " << path);
    }
    // Every allow-listed path is in the schema (documented rows stay documented).
    const auto paths = documented(doc);
    for (const auto& [path, methods] : documented_not_routed())
        BOOST_TEST(paths.contains(path), "allow-listed but missing from the schema: " << path);
}

BOOST_AUTO_TEST_CASE(every_operation_has_a_2xx_answer_and_explicit_security) {
    const auto doc = load_schema();
    const auto& schemes = doc.at("components").at("securitySchemes");
    std::set<std::string> operation_ids;
    for (const auto& [path, item] : doc.at("paths").items()) {
        for (const auto& key : kOperationKeys) {
            if (!item.contains(key)) continue;
            const auto& op = item.at(key);
            const std::string where = key + " " + path;
            bool success = false;
            for (const auto& [status, answer] : op.at("responses").items())
                if (status.size() == 3 && status[0] == '2') success = true;
            BOOST_TEST(success, where << " lists no 2xx response");
            BOOST_TEST(op.contains("security"), where << " does not say its security ([] for public)");
            for (const auto& requirement : op.value("security", nlohmann::json::array()))
                for (const auto& [name, scopes] : requirement.items())
                    BOOST_TEST(schemes.contains(name), where << " names an unknown security scheme " << name);
            BOOST_TEST(operation_ids.insert(op.value("operationId", "")).second,
                       where << ": operationId missing or not unique");
        }
    }
}

BOOST_AUTO_TEST_CASE(path_parameters_are_declared) {
    const auto doc = load_schema();
    static const std::regex param(R"(\{([^}]+)\})");
    for (const auto& [path, item] : doc.at("paths").items()) {
        std::set<std::string> in_path;
        for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) in_path.insert((*it)[1]);
        for (const auto& key : kOperationKeys) {
            if (!item.contains(key)) continue;
            std::set<std::string> declared;
            for (const auto* list : {&item, &item.at(key)})
                for (const auto& p : list->value("parameters", nlohmann::json::array()))
                    if (p.value("in", "") == "path") {
                        declared.insert(p.value("name", ""));
                        BOOST_TEST(p.value("required", false), key << " " << path << ": path parameter not required");
                    }
            BOOST_TEST((declared == in_path), key << " " << path << ": path parameters not declared as in the path");
        }
    }
}

BOOST_AUTO_TEST_CASE(every_reference_resolves) {
    const auto doc = load_schema();
    std::vector<std::string> refs;
    each_ref(doc, refs);
    BOOST_TEST(!refs.empty());
    for (const auto& ref : refs) BOOST_TEST((resolve(doc, ref) != nullptr), "unresolved $ref " << ref);
}

BOOST_AUTO_TEST_CASE(user_schema_has_exactly_the_twelve_fields) {
    const auto doc = load_schema();
    const auto& user = doc.at("components").at("schemas").at("User");
    std::vector<std::string> properties;
    for (const auto& [name, schema] : user.at("properties").items()) properties.push_back(name);
    auto sorted = kUserFields;
    std::sort(sorted.begin(), sorted.end());
    std::sort(properties.begin(), properties.end());
    BOOST_TEST(properties == sorted, boost::test_tools::per_element());
    std::vector<std::string> required = user.value("required", std::vector<std::string>{});
    std::sort(required.begin(), required.end());
    BOOST_TEST(required == sorted, boost::test_tools::per_element());
    BOOST_TEST(user.value("additionalProperties", true) == false);

    // And the code's user object has the same fields.
    gatehouse::store::User u;
    std::vector<std::string> answered;
    const auto answer = gatehouse::web::user_json(u, "https://localhost:8443");  // named: items() would dangle on a temporary
    for (const auto& [name, value] : answer.items()) answered.push_back(name);
    std::sort(answered.begin(), answered.end());
    BOOST_TEST(answered == sorted, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(route_patterns_convert_to_openapi_paths) {
    BOOST_TEST(openapi_path("/api/me/devices/<int:id>/") == "/api/me/devices/{id}/");
    BOOST_TEST(openapi_path("/accounts/password/reset/<token>/") == "/accounts/password/reset/{token}/");
    BOOST_TEST(openapi_path("/healthz") == "/healthz");
}

BOOST_AUTO_TEST_SUITE_END()
