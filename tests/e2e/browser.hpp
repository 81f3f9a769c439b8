// Helpers for walking the browser pages as a person would: a Browser (one HttpClient with its cookie
// jar) that reads the CSRF token from each page it gets and sends it back with the form, with the
// Origin a real browser sends; small HTML and Set-Cookie readers; and a Mailbox that waits for the
// mailer's .eml files and pulls codes and links out of them.
#pragma once

#include "http_client.hpp"
#include "stack.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::e2e {

class Browser {
public:
    // user_agent: sent with every request (the devices page names logins by it).
    explicit Browser(const Stack& stack, std::string user_agent = "Mozilla/5.0 (X11; Linux x86_64) e2e-browser");
    // The same, on another site that serves Gatehouse's pages (a host's nginx with the snippet):
    // site is its https://host:port.
    Browser(const Stack& stack, std::string user_agent, std::string site);

    // GET a path (or a full URL); remembers the page's CSRF token when it has one. No redirect followed.
    HttpResponse get(const std::string& path_or_url, const HeaderList& headers = {});
    // POST the fields as a form from this site: Origin set to the site, csrfmiddlewaretoken added from
    // the last page got (unless the fields already name one). No redirect followed.
    HttpResponse post(const std::string& path_or_url, HeaderList fields, const HeaderList& headers = {});
    // What a person does: open the form page, fill it in and submit it (to `action`, default the page).
    HttpResponse submit(const std::string& page, const HeaderList& fields, const std::string& action = {});
    // When r is a redirect: GET its Location (one hop). Else r itself.
    HttpResponse follow(const HttpResponse& r);

    // A cookie's value from the jar; nullopt when absent or emptied (the server deletes a cookie by
    // setting it empty with Max-Age=0, and curl's jar still lists such a cookie until it is pruned).
    std::optional<std::string> cookie(std::string_view name) const;
    const std::string& csrf_token() const { return csrf_token_; }  // from the last page that had one
    std::string url(const std::string& path_or_url) const;
    std::string origin() const;  // https://127.0.0.1:<port>
    HttpClient& client() { return client_; }
    const Stack& stack() const { return stack_; }
    // A header sent with every request from now on, as a browser sends Accept-Language.
    void send_always(std::string name, std::string value) { always_.emplace_back(std::move(name), std::move(value)); }

private:
    HeaderList with_agent(const HeaderList& headers) const;

    const Stack& stack_;
    std::string user_agent_;
    std::string site_;  // empty: the stack's own
    HttpClient client_;
    std::string csrf_token_;
    HeaderList always_;
};

// --- HTML ---

// The value="" of the first <input name="name"> on the page (attribute order as the templates write it).
std::optional<std::string> input_value(std::string_view html, std::string_view name);
// The text of the flash message (<p class="flash …" role="status">), empty when none.
std::string flash_text(std::string_view html);
// True when `message` appears in an error list right after the field with id="id_<field>" and before
// the next field's label (or the submit button): the error is shown next to its field.
bool error_next_to(std::string_view html, std::string_view field, std::string_view message);
// The page with every 64-character CSRF token value blanked (two renders of one page then compare equal).
std::string without_csrf_tokens(std::string html);
// How many times needle occurs in haystack.
std::size_t count_of(std::string_view haystack, std::string_view needle);

// --- cookies ---

// The Set-Cookie header of the response that sets `name`, if any.
std::optional<std::string> set_cookie_header(const HttpResponse& r, std::string_view name);
// Whether a Set-Cookie value has the attribute (case-insensitive name, e.g. "HttpOnly", "Max-Age"),
// and its value ("" for a flag).
std::optional<std::string> cookie_attribute(std::string_view set_cookie, std::string_view attribute);

// A one-off GET with just this sessionid cookie (no jar): does an old cookie still work?
HttpResponse get_with_session(const Stack& stack, const std::string& path, const std::string& session_id);

// --- mail ---

struct Mail {
    std::string file;     // the .eml file name
    std::string to;       // the To: header
    std::string subject;  // the Subject: header
    std::string raw;      // the whole message (headers and every part)

    // The 6-digit code set on a line of its own in the text part, if any.
    std::optional<std::string> code() const;
    // The path of the first https://localhost:<port><prefix>…/ link (e.g. prefix "/accounts/verify/"),
    // to be opened on the test's own origin.
    std::optional<std::string> link_path(std::string_view prefix) const;
};

class Mailbox {
public:
    explicit Mailbox(const Stack& stack);
    // Every mail to this address so far, oldest first (address compared ignoring case).
    std::vector<Mail> to(std::string_view address) const;
    // Waits (bounded) until at least n mails went to the address; returns the n-th (1-based).
    // Throws std::runtime_error naming what it saw when it times out.
    Mail wait_for(std::string_view address, std::size_t n = 1,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

private:
    std::string dir_;
};

// --- users ---

// A fresh address on each call: "<tag>-<pid>-<n>@example.com".
std::string unique_email(std::string_view tag);
// A fresh display name / E.164 phone number on each call.
std::string unique_name(std::string_view tag);
std::string unique_phone();

// A password that meets every rule.
inline constexpr const char* kGoodPassword = "Corr3ct-Horse-Battery";

// Signs up through the pages (the browser then holds the verify_pending cookie); returns the signup
// POST's answer (302 to /accounts/verify/ when it worked).
HttpResponse sign_up(Browser& browser, const std::string& email, const std::string& password = kGoodPassword,
                     const std::string& name = {});
// Signs up and verifies with the code from the mail; throws when any step does not go as it should.
void sign_up_verified(const Stack& stack, const std::string& email, const std::string& password = kGoodPassword,
                      const std::string& name = {});
// A fresh verified user made staff by the operator (`gatehouse users set-staff`), logged in on
// `browser`; its email. Throws when a step fails.
std::string staff_logged_in(Browser& browser, const std::string& tag);
// Logs in through the login page; returns the POST's answer (302 on success).
HttpResponse log_in(Browser& browser, const std::string& email, const std::string& password = kGoodPassword,
                    bool remember = false, const std::string& next = {});

}  // namespace gatehouse::e2e
