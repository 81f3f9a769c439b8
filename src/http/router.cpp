#include "gatehouse/http/router.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace gatehouse::http {

std::vector<std::string_view> Router::split_path(std::string_view path, bool& trailing_slash) {
    std::vector<std::string_view> parts;
    trailing_slash = path.size() > 1 && path.back() == '/';
    std::size_t start = 1;
    while (start < path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

void Router::add(std::vector<std::string> methods, std::string_view pattern, int route) {
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
    if (std::find(methods.begin(), methods.end(), "GET") != methods.end() &&
        std::find(methods.begin(), methods.end(), "HEAD") == methods.end())
        methods.push_back("HEAD");
    Route r{std::move(methods), {}, false, route};
    for (auto part : split_path(pattern, r.trailing_slash)) {
        if (part.empty()) throw std::invalid_argument("empty segment in route pattern");
        if (part.front() == '<' && part.back() == '>') {
            auto inner = part.substr(1, part.size() - 2);
            if (inner.starts_with("int:")) r.segments.push_back({Segment::Kind::Int, std::string(inner.substr(4))});
            else r.segments.push_back({Segment::Kind::Any, std::string(inner)});
        } else {
            r.segments.push_back({Segment::Kind::Literal, std::string(part)});
        }
    }
    routes_.push_back(std::move(r));
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& parts, bool trailing_slash,
                     std::map<std::string, std::string>& params) const {
    if (route.segments.size() != parts.size() || route.trailing_slash != trailing_slash) return false;
    params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& seg = route.segments[i];
        const auto part = parts[i];
        switch (seg.kind) {
            case Segment::Kind::Literal:
                if (part != seg.text) return false;
                break;
            case Segment::Kind::Int:
                if (part.empty() || part.size() > 18 || !std::all_of(part.begin(), part.end(), ::isdigit)) return false;
                params[seg.text] = std::string(part);
                break;
            case Segment::Kind::Any:
                if (part.empty()) return false;
                params[seg.text] = std::string(part);
                break;
        }
    }
    return true;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    bool trailing = false;
    const auto parts = split_path(path, trailing);
    if (std::find(parts.begin(), parts.end(), std::string_view()) != parts.end() && !(parts.empty())) {
        // "//" inside a path matches nothing.
        return result;
    }
    std::vector<std::string> allowed;
    std::map<std::string, std::string> params;
    for (const auto& route : routes_) {
        if (!matches(route, parts, trailing, params)) continue;
        if (std::find(route.methods.begin(), route.methods.end(), method) != route.methods.end()) {
            result.kind = RouteMatch::Kind::Found;
            result.route = route.id;
            result.params = params;
            return result;
        }
        for (const auto& m : route.methods)
            if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) allowed.push_back(m);
    }
    if (!allowed.empty()) {
        std::sort(allowed.begin(), allowed.end());
        result.kind = RouteMatch::Kind::MethodNotAllowed;
        for (const auto& m : allowed) result.allowed += (result.allowed.empty() ? "" : ", ") + m;
        return result;
    }
    if (!trailing && (method == "GET" || method == "HEAD") && path.size() > 1) {
        bool slash = false;
        const std::string with_slash = std::string(path) + "/";
        const auto slash_parts = split_path(with_slash, slash);
        for (const auto& route : routes_)
            if (matches(route, slash_parts, slash, params)) {
                result.kind = RouteMatch::Kind::AddSlash;
                return result;
            }
    }
    return result;
}

}  // namespace gatehouse::http
