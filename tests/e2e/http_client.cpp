#include "http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <sstream>

namespace gatehouse::e2e {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw HttpError("curl_global_init failed");
    });
}

extern "C" size_t collect_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

extern "C" size_t collect_header(char* data, size_t size, size_t count, void* user) {
    auto& headers = *static_cast<std::multimap<std::string, std::string>*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear();  // a new response (after a 100 Continue or a followed redirect)
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        headers.emplace(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }
    return size * count;
}

struct SList {
    curl_slist* list = nullptr;
    ~SList() { curl_slist_free_all(list); }
    void add(const std::string& line) {
        curl_slist* next = curl_slist_append(list, line.c_str());
        if (!next) throw HttpError("curl_slist_append failed");
        list = next;
    }
};

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    const auto it = headers.find(lower(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
    std::vector<std::string> out;
    const auto [first, last] = headers.equal_range(lower(name));
    for (auto it = first; it != last; ++it) out.push_back(it->second);
    return out;
}

nlohmann::json HttpResponse::json() const { return nlohmann::json::parse(body); }

HttpClient::HttpClient(ClientOptions options) : curl_(nullptr), options_(options) {
    global_init();
    curl_ = curl_easy_init();
    if (!curl_) throw HttpError("curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::request(std::string_view method, const std::string& url, const std::string& body,
                                 const HeaderList& headers) {
    CURL* curl = static_cast<CURL*>(curl_);
    // Reset keeps the connections and the cookies; every option is set again below.
    curl_easy_reset(curl);

    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {0};
    const std::string method_name(method);
    SList header_list;
    for (const auto& [name, value] : headers) header_list.add(name + ": " + value);

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, options_.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
    if (!options_.source_address.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + options_.source_address).c_str());
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);  // the stack's certificate is self-signed
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, options_.follow_redirects ? 1L : 0L);
    if (options_.cookies) curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");  // in-memory jar
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.list);

    if (method_name == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (method_name == "GET" && body.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        if (method_name != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_name.c_str());
    }

    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK)
        throw HttpError(method_name + " " + url + ": " + (error[0] ? error : curl_easy_strerror(rc)));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

std::optional<std::string> HttpClient::cookie(std::string_view name) const {
    curl_slist* cookies = nullptr;
    if (curl_easy_getinfo(static_cast<CURL*>(curl_), CURLINFO_COOKIELIST, &cookies) != CURLE_OK) return std::nullopt;
    std::optional<std::string> found;
    // Netscape format: domain, tailmatch, path, secure, expires, name, value — tab separated.
    for (curl_slist* c = cookies; c; c = c->next) {
        std::vector<std::string> fields;
        std::stringstream line(c->data);
        std::string field;
        while (std::getline(line, field, '\t')) fields.push_back(field);
        if (fields.size() >= 7 && fields[5] == name) found = fields[6];
        else if (fields.size() == 6 && fields[5] == name) found = std::string();
    }
    curl_slist_free_all(cookies);
    return found;
}

void HttpClient::clear_cookies() { curl_easy_setopt(static_cast<CURL*>(curl_), CURLOPT_COOKIELIST, "ALL"); }

std::string form_encode(const HeaderList& fields) {
    global_init();
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        char* n = curl_easy_escape(nullptr, name.data(), static_cast<int>(name.size()));
        char* v = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
        out += std::string(n ? n : "") + "=" + (v ? v : "");
        curl_free(n);
        curl_free(v);
    }
    return out;
}

}  // namespace gatehouse::e2e
