#include "gatehouse/http/router.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using gatehouse::http::RouteMatch;
using gatehouse::http::Router;
using Kind = RouteMatch::Kind;

namespace {

enum Route { Home = 1, Login, Reset, User, Token };

struct Routes {
    Router router;
    Routes() {
        router.add({"GET"}, "/", Home);
        router.add({"GET", "POST"}, "/accounts/login/", Login);
        router.add({"GET", "POST"}, "/accounts/password/reset/<token>/", Reset);
        router.add({"GET", "DELETE"}, "/api/users/<int:id>", User);
        router.add({"POST"}, "/api/token", Token);
    }
    RouteMatch match(std::string_view method, std::string_view path) const { return router.match(method, path); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(router, Routes)

BOOST_AUTO_TEST_CASE(literal_routes) {
    const auto home = match("GET", "/");
    BOOST_TEST((home.kind == Kind::Found));
    BOOST_TEST(home.route == Home);
    BOOST_TEST(home.params.empty());
    BOOST_TEST(match("POST", "/accounts/login/").route == Login);
    BOOST_TEST(match("POST", "/api/token").route == Token);
    BOOST_TEST((match("GET", "/accounts/logout/").kind == Kind::NotFound));
    BOOST_TEST((match("GET", "/Accounts/login/").kind == Kind::NotFound));  // case matters
}

BOOST_AUTO_TEST_CASE(parameters) {
    const auto reset = match("GET", "/accounts/password/reset/Mq-4x_9/");
    BOOST_TEST((reset.kind == Kind::Found));
    BOOST_TEST(reset.route == Reset);
    BOOST_TEST(reset.params.at("token") == "Mq-4x_9");

    const auto user = match("DELETE", "/api/users/42");
    BOOST_TEST((user.kind == Kind::Found));
    BOOST_TEST(user.route == User);
    BOOST_TEST(user.params.size() == 1u);
    BOOST_TEST(user.params.at("id") == "42");

    BOOST_TEST((match("GET", "/api/users/abc").kind == Kind::NotFound));
    BOOST_TEST((match("GET", "/api/users/-1").kind == Kind::NotFound));
    BOOST_TEST((match("GET", "/api/users/1234567890123456789").kind == Kind::NotFound));  // 19 digits
    BOOST_TEST((match("GET", "/accounts/password/reset/a/b/").kind == Kind::NotFound));
}

BOOST_AUTO_TEST_CASE(trailing_slash_is_significant) {
    BOOST_TEST((match("GET", "/api/users/42/").kind == Kind::NotFound));
    BOOST_TEST((match("POST", "/api/token/").kind == Kind::NotFound));
    BOOST_TEST((match("POST", "/accounts/login").kind == Kind::NotFound));  // only GET/HEAD get AddSlash
}

BOOST_AUTO_TEST_CASE(method_not_allowed_lists_the_allowed_methods) {
    const auto home = match("POST", "/");
    BOOST_TEST((home.kind == Kind::MethodNotAllowed));
    BOOST_TEST(home.allowed == "GET, HEAD");

    const auto login = match("DELETE", "/accounts/login/");
    BOOST_TEST((login.kind == Kind::MethodNotAllowed));
    BOOST_TEST(login.allowed == "GET, HEAD, POST");

    const auto token = match("GET", "/api/token");
    BOOST_TEST((token.kind == Kind::MethodNotAllowed));
    BOOST_TEST(token.allowed == "POST");

    BOOST_TEST(match("HEAD", "/accounts/login/").route == Login);  // GET implies HEAD
    BOOST_TEST(match("HEAD", "/api/users/7").route == User);
}

BOOST_AUTO_TEST_CASE(add_slash_when_the_slash_version_exists) {
    BOOST_TEST((match("GET", "/accounts/login").kind == Kind::AddSlash));
    BOOST_TEST((match("HEAD", "/accounts/login").kind == Kind::AddSlash));
    BOOST_TEST((match("GET", "/accounts/password/reset/abc").kind == Kind::AddSlash));
    BOOST_TEST((match("GET", "/accounts/nothing").kind == Kind::NotFound));
    BOOST_TEST((match("GET", "/api/users").kind == Kind::NotFound));
}

BOOST_AUTO_TEST_CASE(double_slashes_never_match) {
    for (const char* path : {"//", "//accounts/login/", "/accounts//login/", "/accounts/login//",
                             "/accounts/password/reset//", "/api//users/1", "/api/users//1"}) {
        BOOST_TEST_CONTEXT(path) {
            BOOST_TEST((match("GET", path).kind == Kind::NotFound));
            BOOST_TEST((match("POST", path).kind == Kind::NotFound));
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_patterns_are_refused) {
    Router r;
    BOOST_CHECK_THROW(r.add({"GET"}, "", 1), std::invalid_argument);
    BOOST_CHECK_THROW(r.add({"GET"}, "accounts/", 1), std::invalid_argument);
    BOOST_CHECK_THROW(r.add({"GET"}, "/accounts//login/", 1), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
