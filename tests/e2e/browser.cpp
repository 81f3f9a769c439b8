#include "browser.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gatehouse::e2e {
namespace fs = std::filesystem;

namespace {

std::string html_unescape(std::string_view s) {
    static const std::pair<std::string_view, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        bool replaced = false;
        if (s[i] == '&') {
            for (const auto& [entity, ch] : entities) {
                if (s.substr(i).starts_with(entity)) {
                    out += ch;
                    i += entity.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += s[i++];
    }
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool has_field(const HeaderList& fields, std::string_view name) {
    return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
}

// A header of an RFC 5322 message (first occurrence, continuation lines unfolded).
std::string mail_header(std::string_view raw, std::string_view name) {
    auto end = raw.find("\n\n");
    if (const auto crlf = raw.find("\r\n\r\n"); crlf != std::string_view::npos && crlf < end) end = crlf;
    const std::string_view head = raw.substr(0, end);
    const std::string wanted = lower(name) + ":";
    std::size_t pos = 0;
    while (pos < head.size()) {
        auto nl = head.find('\n', pos);
        if (nl == std::string_view::npos) nl = head.size();
        std::string_view line = head.substr(pos, nl - pos);
        if (lower(line.substr(0, wanted.size())) == wanted) {
            std::string value(line.substr(wanted.size()));
            for (auto next = nl + 1; next < head.size() && (head[next] == ' ' || head[next] == '\t');) {
                auto end_line = head.find('\n', next);
                if (end_line == std::string_view::npos) end_line = head.size();
                value += " " + trim(head.substr(next, end_line - next));
                next = end_line + 1;
            }
            return trim(value);
        }
        pos = nl + 1;
    }
    return {};
}

std::string bare_address(std::string_view to) {
    const auto open = to.find('<');
    const auto close = to.rfind('>');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open)
        return lower(trim(to.substr(open + 1, close - open - 1)));
    return lower(trim(to));
}

std::atomic<int> unique_counter{0};

}  // namespace

// --- Browser ---------------------------------------------------------------------------------------

Browser::Browser(const Stack& stack, std::string user_agent) : stack_(stack), user_agent_(std::move(user_agent)) {}

Browser::Browser(const Stack& stack, std::string user_agent, std::string site)
    : stack_(stack), user_agent_(std::move(user_agent)), site_(std::move(site)) {}

std::string Browser::url(const std::string& path_or_url) const {
    if (path_or_url.starts_with("https://") || path_or_url.starts_with("http://")) return path_or_url;
    return site_.empty() ? stack_.https_url(path_or_url) : site_ + path_or_url;
}

std::optional<std::string> Browser::cookie(std::string_view name) const {
    auto value = client_.cookie(name);
    if (value && value->empty()) return std::nullopt;
    return value;
}

std::string Browser::origin() const { return site_.empty() ? stack_.https_url("") : site_; }

HeaderList Browser::with_agent(const HeaderList& headers) const {
    HeaderList out = headers;
    out.insert(out.end(), always_.begin(), always_.end());
    if (!std::any_of(out.begin(), out.end(), [](const auto& h) { return lower(h.first) == "user-agent"; }))
        out.emplace_back("User-Agent", user_agent_);
    return out;
}

HttpResponse Browser::get(const std::string& path_or_url, const HeaderList& headers) {
    auto r = client_.get(url(path_or_url), with_agent(headers));
    if (auto token = input_value(r.body, "csrfmiddlewaretoken"); token && !token->empty()) csrf_token_ = *token;
    return r;
}

HttpResponse Browser::post(const std::string& path_or_url, HeaderList fields, const HeaderList& headers) {
    if (!has_field(fields, "csrfmiddlewaretoken") && !csrf_token_.empty())
        fields.emplace_back("csrfmiddlewaretoken", csrf_token_);
    HeaderList sent = headers;
    if (!std::any_of(sent.begin(), sent.end(), [](const auto& h) { return lower(h.first) == "origin"; }))
        sent.emplace_back("Origin", origin());
    sent.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto r = client_.post(url(path_or_url), form_encode(fields), with_agent(sent));
    if (auto token = input_value(r.body, "csrfmiddlewaretoken"); token && !token->empty()) csrf_token_ = *token;
    return r;
}

HttpResponse Browser::submit(const std::string& page, const HeaderList& fields, const std::string& action) {
    const auto form_page = get(page);
    if (form_page.status != 200)
        throw std::runtime_error("GET " + page + " answered " + std::to_string(form_page.status) + ", not the form");
    return post(action.empty() ? page : action, fields);
}

HttpResponse Browser::follow(const HttpResponse& r) {
    if (r.status < 300 || r.status >= 400) return r;
    const auto location = r.header("Location");
    if (!location) throw std::runtime_error("redirect " + std::to_string(r.status) + " without a Location");
    return get(*location);
}

// --- HTML ------------------------------------------------------------------------------------------

std::optional<std::string> input_value(std::string_view html, std::string_view name) {
    const std::string needle = "name=\"" + std::string(name) + "\"";
    for (auto at = html.find(needle); at != std::string_view::npos; at = html.find(needle, at + 1)) {
        const auto open = html.rfind('<', at);
        const auto close = html.find('>', at);
        if (open == std::string_view::npos || close == std::string_view::npos) continue;
        const std::string_view tag = html.substr(open, close - open);
        if (!tag.starts_with("<input")) continue;
        const auto value = tag.find("value=\"");
        if (value == std::string_view::npos) return std::string();
        const auto start = value + 7;
        const auto end = tag.find('"', start);
        if (end == std::string_view::npos) return std::nullopt;
        return html_unescape(tag.substr(start, end - start));
    }
    return std::nullopt;
}

std::string flash_text(std::string_view html) {
    const auto at = html.find("role=\"status\">");
    if (at == std::string_view::npos) return {};
    const auto start = at + 14;
    const auto end = html.find("</p>", start);
    return html_unescape(html.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

bool error_next_to(std::string_view html, std::string_view field, std::string_view message) {
    const std::string id = "id=\"id_" + std::string(field) + "\"";
    const auto at = html.find(id);
    if (at == std::string_view::npos) return false;
    auto end = std::min(html.find("<label", at), html.find("<button", at));
    if (end == std::string_view::npos) end = html.size();
    const std::string_view segment = html.substr(at, end - at);
    if (segment.find("errorlist") == std::string_view::npos) return false;
    return segment.find(html_escape(message)) != std::string_view::npos ||
           segment.find(message) != std::string_view::npos;
}

std::string without_csrf_tokens(std::string html) {
    static const std::regex token("value=\"[A-Za-z0-9]{64}\"");
    return std::regex_replace(html, token, "value=\"\"");
}

std::size_t count_of(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return 0;
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

// --- cookies ---------------------------------------------------------------------------------------

std::optional<std::string> set_cookie_header(const HttpResponse& r, std::string_view name) {
    const std::string prefix = std::string(name) + "=";
    for (const auto& value : r.header_values("Set-Cookie"))
        if (value.starts_with(prefix)) return value;
    return std::nullopt;
}

std::optional<std::string> cookie_attribute(std::string_view set_cookie, std::string_view attribute) {
    const std::string wanted = lower(attribute);
    std::size_t pos = set_cookie.find(';');  // skip name=value
    while (pos != std::string_view::npos) {
        const auto next = set_cookie.find(';', pos + 1);
        const std::string part = trim(set_cookie.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
        const auto eq = part.find('=');
        if (lower(part.substr(0, eq)) == wanted) return eq == std::string::npos ? std::string() : part.substr(eq + 1);
        pos = next;
    }
    return std::nullopt;
}

HttpResponse get_with_session(const Stack& stack, const std::string& path, const std::string& session_id) {
    HttpClient client({.follow_redirects = false, .cookies = false, .timeout_seconds = 30, .connect_timeout_seconds = 10});
    return client.get(stack.https_url(path), {{"Cookie", "sessionid=" + session_id}});
}

// --- mail ------------------------------------------------------------------------------------------

std::optional<std::string> Mail::code() const {
    std::istringstream lines(raw);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || (line[0] != ' ' && line[0] != '\t')) continue;
        const std::string text = trim(line);
        if (text.size() == 6 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
            return text;
    }
    return std::nullopt;
}

std::optional<std::string> Mail::link_path(std::string_view prefix) const {
    const std::regex link("https://localhost:[0-9]+(" + std::string(prefix) + "[A-Za-z0-9_.~-]+/)");
    std::smatch match;
    if (!std::regex_search(raw, match, link)) return std::nullopt;
    return match[1].str();
}

Mailbox::Mailbox(const Stack& stack) : dir_(stack.var_dir() + "/mail") {}

std::vector<Mail> Mailbox::to(std::string_view address) const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec))
        if (entry.path().extension() == ".eml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<Mail> out;
    const std::string wanted = lower(address);
    for (const auto& path : files) {
        Mail mail;
        mail.raw = read_whole(path);
        mail.to = mail_header(mail.raw, "To");
        if (bare_address(mail.to) != wanted) continue;
        mail.file = path.filename().string();
        mail.subject = mail_header(mail.raw, "Subject");
        out.push_back(std::move(mail));
    }
    return out;
}

Mail Mailbox::wait_for(std::string_view address, std::size_t n, std::chrono::milliseconds timeout) const {
    std::vector<Mail> mails;
    const bool arrived = wait_until(timeout, [&] {
        mails = to(address);
        return mails.size() >= n;
    }, std::chrono::milliseconds(100));
    if (!arrived) {
        std::string seen;
        for (const auto& m : mails) seen += "\n  " + m.file + ": " + m.subject;
        throw std::runtime_error("mail #" + std::to_string(n) + " to " + std::string(address) + " did not arrive within " +
                                 std::to_string(timeout.count()) + " ms in " + dir_ + "; got " +
                                 std::to_string(mails.size()) + seen);
    }
    return mails[n - 1];
}

// --- users -----------------------------------------------------------------------------------------

std::string unique_email(std::string_view tag) {
    return std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++unique_counter) + "@example.com";
}

std::string unique_name(std::string_view tag) {
    return std::string(tag) + " " + std::to_string(::getpid()) + "-" + std::to_string(++unique_counter);
}

std::string unique_phone() {
    const long n = (static_cast<long>(::getpid()) % 1000) * 10000 + (++unique_counter % 10000);
    std::string digits = std::to_string(n % 10000000);
    digits.insert(0, 7 - digits.size(), '0');
    return "+1555" + digits;
}

HttpResponse sign_up(Browser& browser, const std::string& email, const std::string& password, const std::string& name) {
    return browser.submit("/accounts/signup/",
                          {{"email", email}, {"name", name}, {"password1", password}, {"password2", password}});
}

std::string staff_logged_in(Browser& browser, const std::string& tag) {
    const std::string email = unique_email(tag);
    sign_up_verified(browser.stack(), email);
    if (run_gatehouse(browser.stack(), "users set-staff '" + email + "'") != 0)
        throw std::runtime_error("set-staff failed; see " + browser.stack().dir() + "/gatehouse-cli.log");
    const auto in = log_in(browser, email);
    if (in.status != 302) throw std::runtime_error("staff login answered " + std::to_string(in.status));
    return email;
}

void sign_up_verified(const Stack& stack, const std::string& email, const std::string& password, const std::string& name) {
    Browser browser(stack);
    const auto signed_up = sign_up(browser, email, password, name);
    if (signed_up.status != 302)
        throw std::runtime_error("signup of " + email + " answered " + std::to_string(signed_up.status) + ": " +
                                 signed_up.body.substr(0, 2000));
    const auto mail = Mailbox(stack).wait_for(email);
    const auto code = mail.code();
    if (!code) throw std::runtime_error("no code in the verification mail:\n" + mail.raw);
    const auto verified = browser.submit("/accounts/verify/", {{"code", *code}});
    if (verified.status != 302 || verified.header("Location").value_or("") != "/accounts/login/")
        throw std::runtime_error("verifying " + email + " answered " + std::to_string(verified.status) + ": " +
                                 verified.body.substr(0, 2000));
}

HttpResponse log_in(Browser& browser, const std::string& email, const std::string& password, bool remember,
                    const std::string& next) {
    HeaderList fields = {{"email", email}, {"password", password}};
    if (remember) fields.emplace_back("remember", "1");
    if (!next.empty()) fields.emplace_back("next", next);
    return browser.submit("/accounts/login/", fields);
}

}  // namespace gatehouse::e2e
