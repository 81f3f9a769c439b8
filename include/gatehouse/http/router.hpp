#pragma once
// One explicit table of (methods, pattern) → route id. Patterns are paths whose segments may be
// <name> (any one segment) or <int:name> (digits), e.g. "/accounts/password/reset/<token>/".
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::http {

struct RouteMatch {
    enum class Kind { Found, NotFound, MethodNotAllowed, AddSlash } kind = Kind::NotFound;
    int route = -1;                               // when Found
    std::map<std::string, std::string> params;    // when Found
    std::string allowed;                          // when MethodNotAllowed: "GET, HEAD, POST"
};

class Router {
public:
    // methods: e.g. {"GET", "POST"}; GET implies HEAD. Throws std::invalid_argument on a bad pattern.
    void add(std::vector<std::string> methods, std::string_view pattern, int route);
    // AddSlash: no route matches `path`, but one matches `path + "/"` for this method (Django's APPEND_SLASH).
    RouteMatch match(std::string_view method, std::string_view path) const;

private:
    struct Segment {
        enum class Kind { Literal, Any, Int } kind;
        std::string text;  // literal text or parameter name
    };
    struct Route {
        std::vector<std::string> methods;
        std::vector<Segment> segments;
        bool trailing_slash;
        int id;
    };
    static std::vector<std::string_view> split_path(std::string_view path, bool& trailing_slash);
    bool matches(const Route& route, const std::vector<std::string_view>& parts, bool trailing_slash,
                 std::map<std::string, std::string>& params) const;
    std::vector<Route> routes_;
};

}  // namespace gatehouse::http
