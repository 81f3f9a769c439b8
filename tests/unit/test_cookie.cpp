#include "gatehouse/http/response.hpp"

#include <boost/test/unit_test.hpp>

using gatehouse::http::Cookie;
using gatehouse::http::Response;

namespace {

Cookie cookie(std::string name, std::string value) {
    Cookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cookie_and_response)

BOOST_AUTO_TEST_CASE(cookie_header_value) {
    Cookie session = cookie("sessionid", "abc123");
    session.max_age = 60;
    BOOST_TEST(session.header_value() == "sessionid=abc123; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax");

    Cookie csrf = cookie("csrftoken", "t0k");
    csrf.path = "/accounts/";
    csrf.http_only = false;
    csrf.same_site = "Strict";
    BOOST_TEST(csrf.header_value() == "csrftoken=t0k; Path=/accounts/; Secure; SameSite=Strict");

    Cookie plain = cookie("a", "b");
    plain.secure = false;
    plain.same_site = "";
    BOOST_TEST(plain.header_value() == "a=b; Path=/; HttpOnly");
}

BOOST_AUTO_TEST_CASE(expired_cookie) {
    BOOST_TEST(Cookie::expired("sessionid").header_value() ==
               "sessionid=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    BOOST_TEST(Cookie::expired("csrftoken", false).header_value() == "csrftoken=; Max-Age=0; Path=/; Secure; SameSite=Lax");
}

BOOST_AUTO_TEST_CASE(serialize_with_body) {
    Response r = Response::html(200, "<p>hi</p>");
    r.set_cookie(cookie("a", "1"));
    BOOST_TEST(r.serialize() ==
               "Status: 200 OK\r\n"
               "Content-Type: text/html; charset=utf-8\r\n"
               "Set-Cookie: a=1; Path=/; HttpOnly; Secure; SameSite=Lax\r\n"
               "Content-Length: 9\r\n"
               "\r\n"
               "<p>hi</p>");
}

BOOST_AUTO_TEST_CASE(serialize_without_body_for_head) {
    const Response r = Response::json(404, {{"detail", "Not found."}});
    const std::string head = r.serialize(false);
    BOOST_TEST(head == "Status: 404 Not Found\r\nContent-Type: application/json\r\n\r\n");
    BOOST_TEST(r.serialize(true).ends_with("\r\n\r\n{\"detail\":\"Not found.\"}"));
}

BOOST_AUTO_TEST_CASE(serialize_status_lines_and_redirects) {
    BOOST_TEST(Response::redirect("/accounts/login/").serialize().starts_with(
        "Status: 302 Found\r\nLocation: /accounts/login/\r\n"));
    BOOST_TEST(Response::html(413, "").serialize().starts_with("Status: 413 Content Too Large\r\n"));
    BOOST_TEST(Response::html(503, "").serialize().starts_with("Status: 503 Service Unavailable\r\n"));
    BOOST_TEST(Response::json(204, {{"ignored", true}}).body.empty());
}

BOOST_AUTO_TEST_CASE(headers_are_case_insensitive_and_replaced) {
    Response r;
    r.set_header("Cache-Control", "no-store");
    r.set_header("cache-control", "private");
    r.add_header("Vary", "Cookie");
    r.add_header("Vary", "Accept");
    BOOST_TEST(r.header("CACHE-CONTROL").value_or("") == "private");
    BOOST_TEST(r.headers.size() == 3u);
    BOOST_TEST(!r.header("Cache").has_value());

    r.set_header("Content-Length", "0");  // an explicit length is not repeated
    const std::string out = r.serialize();
    BOOST_TEST(out.find("Content-Length") == out.rfind("Content-Length"));
}

BOOST_AUTO_TEST_CASE(line_breaks_are_stripped_from_header_values) {
    Response r = Response::redirect("/next\r\nSet-Cookie: evil=1\nX: y");
    r.set_cookie(cookie("a", "1\r\n\r\n<script>"));
    const std::string out = r.serialize();
    const std::string head = out.substr(0, out.find("\r\n\r\n"));
    BOOST_TEST(out.find("\r\nSet-Cookie: evil") == std::string::npos);
    BOOST_TEST(out.find("\nX: y") == std::string::npos);
    BOOST_TEST(head.find("<script>") != std::string::npos);  // still inside the header block
    BOOST_TEST(head.find("Location: /next  Set-Cookie: evil=1 X: y\r\n") != std::string::npos);
    BOOST_TEST(out.ends_with("\r\n\r\n"));  // empty body: nothing injected after the headers
}

BOOST_AUTO_TEST_SUITE_END()
