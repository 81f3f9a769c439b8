// The three-host test (README: More than one machine), made by the test on this one machine: two
// Gatehouse hosts, each a whole stack of its own started by nginx/stack.sh and listening on its own
// loopback address (127.0.0.2, 127.0.0.3); the README's balancer, an nginx on 127.0.0.1 with both
// in its upstream; three memcached (127.0.0.4–.6) in every host's GATEHOUSE_MEMCACHED; one database.
//
// Under load through the balancer (four clients, each from an address of its own), it kills one
// memcached (kill -9) and brings it back, then kills one host (every process of it, kill -9) and
// brings it back. Then: no browser logged in before a fault was logged out by it; no 5xx but for
// requests in flight on what was killed; the service through the balancer was back within 2 s of
// each fault; and, host against host, a rotated refresh token is refused on both, failed logins are
// counted across both, a code mailed through one is good on the other, and a logout, a password
// change or a revoked device on one holds on the other.
#include "api_client.hpp"
#include "browser.hpp"
#include "checks.hpp"
#include "../test_postgres.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using Env = std::vector<std::pair<std::string, std::string>>;

const char* const kHostAddresses[] = {"127.0.0.2", "127.0.0.3"};
const char* const kMemcachedAddresses[] = {"127.0.0.4", "127.0.0.5", "127.0.0.6"};
const char* const kBalancerAddress = "127.0.0.1";  // also the hosts' GATEHOUSE_TRUSTED_PROXIES
constexpr int kClients = 4;                        // load clients, from 127.0.1.10, .11, …
constexpr int kMaxIterationsPerClient = 1500;      // the load's bound, whatever the machine's speed
constexpr auto kTimeLimit = 60s;                   // and its time limit
constexpr auto kRecoveryBudget = 2000ms;

std::string client_address(int i) { return "127.0.1." + std::to_string(10 + i); }

long long ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

std::string random_key(std::size_t bytes) {
    std::ifstream in("/dev/urandom", std::ios::binary);
    std::string raw(bytes, '\0');
    in.read(raw.data(), static_cast<std::streamsize>(bytes));
    BOOST_TEST_REQUIRE(in.good());
    return b64url(raw);
}

bool tcp_accepts(const std::string& address, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    ::close(fd);
    return ok;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A temp dir of the test's own (the shared database, the balancer); kept with GATEHOUSE_KEEP_TEST_DIR.
struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/gatehouse-three-XXXXXX";
        BOOST_TEST_REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
        fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    }
    ~TempDir() {
        if (const char* keep = std::getenv("GATEHOUSE_KEEP_TEST_DIR"); keep && *keep) return;
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// ---- The one database of both hosts ---------------------------------------------------------------
// Under tests/with-postgres.sh (the second pass of make test): one fresh PostgreSQL database, named in
// GATEHOUSE_DATABASE on both hosts, as the README's example. In the first pass one SQLite file, which
// one machine allows: each host's $GATEHOUSE_VAR/gatehouse.db is a symlink to it (SQLite resolves the
// link, so the -wal and -shm files beside the real file are shared too).
struct SharedDatabase {
    std::string file, url;
    explicit SharedDatabase(const std::string& dir) {
        if (!gatehouse::testing::test_postgres().empty())
            url = gatehouse::testing::fresh_postgres_database("three");
        else
            file = dir + "/shared.db";
    }
    void prepare(const Stack& host) const {
        if (file.empty()) return;
        fs::create_directories(host.var_dir());
        fs::create_symlink(file, host.var_dir() + "/gatehouse.db");
    }
    Env env() const {
        if (url.empty()) return {};
        return {{"GATEHOUSE_DATABASE", url}};
    }
    std::string engine() const { return url.empty() ? "SQLite" : "PostgreSQL"; }
};

// ---- Three memcached, on 127.0.0.4–.6 -------------------------------------------------------------
class MemcachedPool {
public:
    explicit MemcachedPool(std::string dir) : dir_(std::move(dir)), port_(free_port()) {
        for (int i = 0; i < 3; ++i) start(i);
    }
    // GATEHOUSE_MEMCACHED: the same list, in the same order, on every host.
    std::string setting() const {
        std::string out;
        for (const char* address : kMemcachedAddresses) out += (out.empty() ? "" : ",") + std::string(address) + ":" + std::to_string(port_);
        return out;
    }
    void start(int i) {
        std::vector<std::string> argv = {"memcached", "-l", kMemcachedAddresses[i], "-p", std::to_string(port_), "-U", "0",
                                         "-m", "16", "-c", "512"};
        if (::getuid() == 0) argv.insert(argv.end(), {"-u", "root"});
        nodes_[i] = std::make_unique<ChildProcess>("/usr/bin/memcached", argv, dir_ + "/memcached-" + std::to_string(i) + ".log");
        BOOST_TEST_REQUIRE(wait_until(10s, [&] { return tcp_accepts(kMemcachedAddresses[i], port_); }),
                           "memcached on " << kMemcachedAddresses[i] << " did not start");
    }
    // Whether node i holds the key, asked in memcached's own text protocol.
    bool holds(int i, const std::string& key) const {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port_));
        ::inet_pton(AF_INET, kMemcachedAddresses[i], &to.sin_addr);
        std::string answer;
        const std::string request = "get " + key + "\r\n";
        if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
            ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
            char buffer[4096];
            ssize_t n;
            while (!answer.ends_with("END\r\n") && (n = ::read(fd, buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
        return answer.starts_with("VALUE ");
    }
    void kill(int i) {  // kill -9, and reaped
        ::kill(nodes_[i]->pid(), SIGKILL);
        nodes_[i].reset();
    }

private:
    std::string dir_;
    int port_;
    std::unique_ptr<ChildProcess> nodes_[3];
};

// ---- The balancer: the README's example, with this machine's addresses, ports and certificate --------
// The ```nginx block of README.md's "More than one machine" that starts with "# The balancer's nginx".
std::string readme_balancer_example(const std::string& home) {
    const std::string readme = read_text(home + "/README.md");
    const auto section = readme.find("\n## More than one machine\n");
    BOOST_TEST_REQUIRE(section != std::string::npos, "README.md has no More than one machine section");
    const std::string opening = "```nginx\n# The balancer's nginx";
    const auto start = readme.find(opening, section);
    BOOST_TEST_REQUIRE(start != std::string::npos, "README.md: no balancer example in More than one machine");
    const auto body = start + std::string("```nginx\n").size();
    const auto end = readme.find("\n```", body);
    BOOST_TEST_REQUIRE(end != std::string::npos);
    return readme.substr(body, end - body + 1);
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    BOOST_TEST_REQUIRE((at != std::string::npos && text.find(from, at + 1) == std::string::npos),
                       "the README's balancer example should have \"" << from << "\" once");
    text.replace(at, from.size(), to);
}

class Balancer {
public:
    Balancer(const std::string& dir, const std::string& home, int port, const Stack& a, const Stack& b) : port_(port) {
        std::string example = readme_balancer_example(home);
        replace_once(example, "10.0.0.2:443", a.address() + ":" + std::to_string(a.https_port()));
        replace_once(example, "10.0.0.3:443", b.address() + ":" + std::to_string(b.https_port()));
        replace_once(example, "listen 10.0.0.1:443", "listen " + std::string(kBalancerAddress) + ":" + std::to_string(port));
        replace_once(example, "/etc/ssl/accounts.example.org.pem", a.var_dir() + "/tls/cert.pem");
        replace_once(example, "/etc/ssl/private/accounts.example.org.key", a.var_dir() + "/tls/key.pem");
        const std::string conf = dir + "/balancer.conf";
        std::ofstream(conf) << "worker_processes 1;\npid " << dir << "/balancer.pid;\nerror_log " << dir
                            << "/balancer-error.log warn;\ndaemon off;\nevents { worker_connections 1024; }\nhttp {\n"
                            << "    access_log " << dir << "/balancer-access.log;\n"
                            << "    client_body_temp_path " << dir << "/client_body;\n    proxy_temp_path " << dir << "/proxy;\n"
                            << example << "}\n";
        nginx_ = std::make_unique<ChildProcess>("/usr/sbin/nginx", std::vector<std::string>{"nginx", "-c", conf, "-p", dir, "-e", dir + "/balancer-error.log"},
                                                dir + "/balancer.log");
        BOOST_TEST_REQUIRE(wait_until(10s, [&] { return tcp_accepts(kBalancerAddress, port_); }),
                           "the balancer did not start:\n" << read_text(dir + "/balancer-error.log"));
    }
    std::string url(const std::string& path = "") const {
        return "https://" + std::string(kBalancerAddress) + ":" + std::to_string(port_) + path;
    }

private:
    int port_;
    std::unique_ptr<ChildProcess> nginx_;
};

// ---- Browsers and API calls against any site (a host or the balancer) -------------------------------
const HeaderList kAgent = {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 e2e-three-hosts"}};

std::string csrf_field(const std::string& html) {
    static const std::regex field(R"re(name="csrfmiddlewaretoken" value="([^"]+)")re");
    std::smatch m;
    return std::regex_search(html, m, field) ? std::string(m[1]) : std::string();
}

// A form POST from a page of `site`, as a browser sends it (Origin, Referer, the page's CSRF token).
HttpResponse submit(HttpClient& browser, const std::string& site, const std::string& path, HeaderList fields) {
    const auto page = browser.get(site + path, kAgent);
    BOOST_TEST_REQUIRE(page.status == 200, "GET " << site << path << ": " << show(page));
    const std::string csrf = csrf_field(page.body);
    BOOST_TEST_REQUIRE(!csrf.empty(), "no CSRF field on " << site << path);
    fields.insert(fields.begin(), {"csrfmiddlewaretoken", csrf});
    HeaderList headers = kAgent;
    headers.insert(headers.end(), {{"Origin", site}, {"Referer", site + path}, {"Content-Type", "application/x-www-form-urlencoded"}});
    return browser.post(site + path, form_encode(fields), headers);
}

// Logs the browser in through site's login page; its session id.
std::string page_login(HttpClient& browser, const std::string& site, const std::string& email, const std::string& password = kPassword) {
    const auto r = submit(browser, site, "/accounts/login/", {{"email", email}, {"password", password}});
    BOOST_TEST_REQUIRE(r.status == 302, "login page on " << site << ": " << show(r));
    const auto session = browser.cookie("sessionid");
    BOOST_TEST_REQUIRE((session && !session->empty()), "no sessionid after the login on " << site);
    return *session;
}

// GET /accounts/profile/ on site with only this session cookie: 200 while it is logged in.
long profile_status(const std::string& site, const std::string& session_id) {
    HttpClient client({.cookies = false, .timeout_seconds = 10, .connect_timeout_seconds = 2});
    HeaderList headers = kAgent;
    headers.emplace_back("Cookie", "sessionid=" + session_id);
    try {
        return client.get(site + "/accounts/profile/", headers).status;
    } catch (const HttpError&) {
        return 0;
    }
}

HttpResponse api_call(HttpClient& client, const std::string& site, std::string_view method, const std::string& path,
                      const json& body = nullptr, const std::string& auth = {}) {
    HeaderList headers = kAgent;
    headers.emplace_back("Accept", "application/json");
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
    return client.request(method, site + path, body.is_null() ? std::string() : body.dump(), headers);
}

// ---- The load --------------------------------------------------------------------------------------
struct Answer {
    Clock::time_point start, end;
    long status = 0;  // 0: no answer at all
    char kind = '?';  // 'p' page view, 'r' refresh, 'l' login
};

// One client: a browser logged in before the load (its page views must stay logged in through every
// fault) and an API client that refreshes its JWT pair and logs in again now and then; both from the
// client's own address, through the balancer.
class LoadClient {
public:
    LoadClient(int index, std::string site, std::string email)
        : address_(client_address(index)), site_(std::move(site)), email_(std::move(email)),
          browser_({.cookies = true, .timeout_seconds = 10, .connect_timeout_seconds = 2, .source_address = address_}),
          api_({.cookies = false, .timeout_seconds = 10, .connect_timeout_seconds = 2, .source_address = address_}) {
        session_id_ = page_login(browser_, site_, email_);
        BOOST_TEST_REQUIRE(log_in());
    }

    void run(const std::atomic<bool>& stop) {
        const auto deadline = Clock::now() + kTimeLimit;
        for (int i = 0; i < kMaxIterationsPerClient && !stop && Clock::now() < deadline; ++i) {
            const auto page = call('p', [&] { return browser_.get(site_ + "/accounts/profile/", kAgent); });
            if (page.status == 302 && page.header("Location").value_or("").find("/accounts/login/") != std::string::npos)
                ++sessions_lost;
            if (i % 3 == 1) refresh();
            if (i % 60 == 59) log_in();
            std::this_thread::sleep_for(25ms);
        }
        // The address the hosts recorded for this client's logins: its own, not the balancer's.
        if (!access_.empty()) {
            const auto devices = api_call(api_, site_, "GET", "/api/me/devices/", nullptr, bearer(access_));
            if (devices.status == 200)
                for (const auto& login : devices.json()) recorded_addresses.push_back(login.value("ip", std::string()));
        }
    }

    const std::string& address() const { return address_; }
    const std::string& session_id() const { return session_id_; }  // fixed before the load starts

    std::vector<Answer> answers;
    int sessions_lost = 0;     // a page view sent to the login page
    int refreshes_refused = 0;  // a 401 for a refresh token that was the last one given
    int logins = 0, refreshes = 0, pages = 0;
    std::vector<std::string> recorded_addresses;

private:
    template <class Request>
    HttpResponse call(char kind, Request request) {
        Answer a{Clock::now(), {}, 0, kind};
        HttpResponse r;
        try {
            r = request();
            a.status = r.status;
        } catch (const HttpError&) {
            r.status = 0;
        }
        a.end = Clock::now();
        answers.push_back(a);
        (kind == 'p' ? pages : kind == 'r' ? refreshes : logins) += 1;
        return r;
    }

    bool log_in() {
        const auto r = call('l', [&] { return api_call(api_, site_, "POST", "/api/auth/token/", {{"email", email_}, {"password", kPassword}}); });
        if (r.status != 200) return false;
        access_ = r.json().at("access");
        refresh_ = r.json().at("refresh");
        return true;
    }

    // A refresh that got no answer (or a 5xx) may have been rotated by a host that then died: a real
    // client logs in again then, instead of presenting a token that may be spent.
    void refresh() {
        if (refresh_.empty()) {
            log_in();
            return;
        }
        const auto r = call('r', [&] { return api_call(api_, site_, "POST", "/api/auth/token/refresh/", {{"refresh", refresh_}}); });
        if (r.status == 200) {
            access_ = r.json().at("access");
            refresh_ = r.json().at("refresh");
            return;
        }
        if (r.status == 401) ++refreshes_refused;
        refresh_.clear();
    }

    std::string address_, site_, email_, session_id_, access_, refresh_;
    HttpClient browser_, api_;
};

// A fault (or the end of one) and when it happened.
struct Event {
    std::string what;
    Clock::time_point from, done;  // the act's start and end (a kill: once everything killed is gone)
    bool kill = false;             // requests in flight then may fail
};

// A user made by the operator's command on host a (the shared database), verified.
std::string operator_user(const Stack& host, const Env& env, const std::string& tag) {
    const std::string email = api::unique_email(tag);
    BOOST_TEST_REQUIRE(run_gatehouse_output(host, "users create --email '" + email + "'", std::string(kPassword) + "\n", env).status == 0,
                       "users create " << email << "; see " << host.dir() << "/gatehouse-cli.log");
    BOOST_TEST_REQUIRE(run_gatehouse_output(host, "users verify '" + email + "'", {}, env).status == 0);
    return email;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(three_hosts)

BOOST_AUTO_TEST_CASE(two_hosts_behind_a_balancer_share_every_login_and_survive_a_dead_memcached_and_a_dead_host) {
    const auto test_start = Clock::now();
    TempDir dir;
    SharedDatabase database(dir.path);
    MemcachedPool memcached(dir.path);
    const int balancer_port = free_port();

    // Both hosts: the same settings (keys, database, memcached, the balancer trusted), each its own address.
    Env shared = {{"GATEHOUSE_MEMCACHED", memcached.setting()},
                  {"GATEHOUSE_TRUSTED_PROXIES", kBalancerAddress},
                  {"GATEHOUSE_SECRET_KEY", random_key(48)},
                  {"GATEHOUSE_JWE_KEY", random_key(32)},
                  {"GATEHOUSE_SITE_URL", "https://" + std::string(kBalancerAddress) + ":" + std::to_string(balancer_port)},
                  // Each load client logs in again and again: the device cap would end its own first
                  // session, which is what the test watches.
                  {"GATEHOUSE_MAX_DEVICES", "1000"}};
    for (const auto& setting : database.env()) shared.push_back(setting);
    auto host_options = [&](const char* address) {
        StackOptions options;
        options.listen_address = address;
        options.own_memcached = false;  // the pool above, named in GATEHOUSE_MEMCACHED
        options.throttle = true;        // the limits are part of what is shared
        options.test_hooks = false;
        options.prepare = [&](const Stack& host) { database.prepare(host); };
        options.env = shared;
        return options;
    };
    Stack host_a(host_options(kHostAddresses[0]));
    Stack host_b(host_options(kHostAddresses[1]));
    Stack* hosts[] = {&host_a, &host_b};
    Balancer balancer(dir.path, host_a.home(), balancer_port, host_a, host_b);
    const std::string lb = balancer.url();
    const std::string site_a = host_a.https_url(""), site_b = host_b.https_url("");

    // Each host listens on its own address only.
    BOOST_TEST(tcp_accepts(kHostAddresses[0], host_a.https_port()));
    BOOST_TEST(!tcp_accepts(kHostAddresses[1], host_a.https_port()));
    BOOST_TEST(!tcp_accepts("127.0.0.1", host_a.https_port()));
    BOOST_TEST(!tcp_accepts(kHostAddresses[0], host_b.https_port()));

    std::vector<std::unique_ptr<LoadClient>> clients;
    for (int i = 0; i < kClients; ++i)
        clients.push_back(std::make_unique<LoadClient>(i, lb, operator_user(host_a, shared, "three-load")));
    const auto setup_done = Clock::now();

    // ---- The load, and the faults under it ----
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& client : clients) threads.emplace_back([&client, &stop] { client->run(stop); });

    std::vector<Event> events;
    std::vector<std::string> logged_out;  // sessions a fault ended: "<after what> <where> <status>"
    auto check_sessions = [&](const std::string& after) {
        std::this_thread::sleep_for(300ms);
        for (const auto& client : clients) {
            std::vector<std::pair<std::string, std::string>> sites = {{"balancer", lb}};
            for (Stack* host : hosts)
                if (host->stack_pid() > 0) sites.emplace_back(host->address(), host->https_url(""));
            for (const auto& [where, site] : sites) {
                const long status = profile_status(site, client->session_id());
                if (status == 200) continue;
                logged_out.push_back(after + ": " + client->address() + "'s session on " + where + " → " + std::to_string(status));
            }
        }
    };
    auto act = [&](const std::string& what, bool kill, auto&& action) {
        Event e{what, Clock::now(), {}, kill};
        action();
        e.done = Clock::now();
        events.push_back(e);
    };
    std::this_thread::sleep_for(1000ms);
    check_sessions("before the faults");
    // The memcached to kill: the one that holds the most of the clients' sessions (memcached keeps a
    // session under "sess:" and the SHA-256 of its id), so that the fault hits logged-in browsers.
    int victim = 0, held_by_victim = -1;
    for (int i = 0; i < 3; ++i) {
        int held = 0;
        for (const auto& client : clients) held += memcached.holds(i, "sess:" + sha256_hex(client->session_id())) ? 1 : 0;
        if (held > held_by_victim) victim = i, held_by_victim = held;
    }
    BOOST_TEST(held_by_victim >= 1, "no memcached holds a session under sess:<sha256 of the id>: has the key changed?");
    const std::string node = kMemcachedAddresses[victim];
    act("kill -9 memcached " + node, true, [&] { memcached.kill(victim); });
    std::this_thread::sleep_for(1500ms);
    check_sessions("memcached " + node + " killed");
    act("memcached " + node + " back", false, [&] { memcached.start(victim); });
    std::this_thread::sleep_for(1000ms);
    check_sessions("memcached " + node + " back");
    act("kill -9 host 127.0.0.2", true, [&] { host_a.power_cut(); });
    std::this_thread::sleep_for(1500ms);
    check_sessions("host 127.0.0.2 killed");
    act("host 127.0.0.2 back", false, [&] { host_a.start_again(); });
    std::this_thread::sleep_for(1000ms);
    check_sessions("host 127.0.0.2 back");
    stop = true;
    for (auto& thread : threads) thread.join();
    const auto load_done = Clock::now();

    // ---- Every answer of the load, against the faults ----
    std::vector<Answer> answers;
    int sessions_lost = 0, refreshes_refused = 0, logins = 0, refreshes = 0, pages = 0;
    for (const auto& client : clients) {
        answers.insert(answers.end(), client->answers.begin(), client->answers.end());
        sessions_lost += client->sessions_lost;
        refreshes_refused += client->refreshes_refused;
        logins += client->logins;
        refreshes += client->refreshes;
        pages += client->pages;
        for (const auto& address : client->recorded_addresses)
            BOOST_TEST(address == client->address(), "a login of " << client->address() << " was recorded as from " << address);
        BOOST_TEST(!client->recorded_addresses.empty(), client->address() << ": no devices read");
    }
    const auto failed = [](const Answer& a) { return a.status == 0 || a.status >= 500; };
    std::map<long, int> by_status;
    for (const auto& a : answers) ++by_status[a.status];
    int in_flight = 0;
    std::vector<int> in_flight_at(events.size(), 0);
    std::vector<std::string> unexplained;
    for (const auto& a : answers) {
        if (!failed(a)) continue;
        // In flight on what was killed: sent before the kill had ended it, answered after the kill began.
        const auto at = std::find_if(events.begin(), events.end(),
                                     [&](const Event& e) { return e.kill && a.start <= e.done && a.end >= e.from; });
        if (at != events.end()) {
            ++in_flight;
            ++in_flight_at[static_cast<std::size_t>(at - events.begin())];
            continue;
        }
        std::string near = "before any fault";
        for (const auto& e : events)
            if (e.from <= a.start) near = e.what + " +" + std::to_string(ms(a.start - e.from)) + " ms";
        unexplained.push_back(std::string(1, a.kind) + " → " + std::to_string(a.status) + " (" + near + ")");
    }
    // Recovery: from each fault to the first success through the balancer after the last failure of its
    // window (the window ends at the next event); with no failure, the first success after it.
    std::vector<std::pair<std::string, long long>> recoveries;
    for (std::size_t k = 0; k < events.size(); ++k) {
        const auto from = events[k].from;
        const auto to = k + 1 < events.size() ? events[k + 1].from : load_done;
        Clock::time_point last_failure = from;
        for (const auto& a : answers)
            if (failed(a) && a.end >= from && a.start < to && a.end > last_failure) last_failure = a.end;
        std::optional<Clock::time_point> back;
        for (const auto& a : answers)
            if (!failed(a) && a.start >= last_failure && (!back || a.end < *back)) back = a.end;
        recoveries.emplace_back(events[k].what, back ? ms(*back - from) : -1);
    }

    // ---- Host against host (everything up again) ----
    HttpClient api_a({.cookies = false, .timeout_seconds = 20}), api_b({.cookies = false, .timeout_seconds = 20});
    HttpClient* api[] = {&api_a, &api_b};
    const std::string sites[] = {site_a, site_b};

    // A refresh token rotated on one host is refused on both, and through the balancer; presenting it
    // again ended its whole family, so the token that replaced it is refused too.
    {
        const std::string email = operator_user(host_a, shared, "three-blacklist");
        const auto pair = api_call(api_a, site_a, "POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(pair.status == 200, show(pair));
        const std::string first = pair.json().at("refresh");
        const auto rotated = api_call(api_a, site_a, "POST", "/api/auth/token/refresh/", {{"refresh", first}});
        BOOST_TEST_REQUIRE(rotated.status == 200, show(rotated));
        const std::string second = rotated.json().at("refresh");
        BOOST_TEST(is_error(api_call(api_b, site_b, "POST", "/api/auth/token/refresh/", {{"refresh", first}}), 401, "token_not_valid"));
        BOOST_TEST(is_error(api_call(api_a, site_a, "POST", "/api/auth/token/refresh/", {{"refresh", first}}), 401, "token_not_valid"));
        HttpClient via_lb({.cookies = false});
        BOOST_TEST(api_call(via_lb, lb, "POST", "/api/auth/token/refresh/", {{"refresh", first}}).status == 401);
        for (int h = 0; h < 2; ++h)
            BOOST_TEST(api_call(*api[h], sites[h], "POST", "/api/auth/token/refresh/", {{"refresh", second}}).status == 401,
                       "the family's newer token still refreshes on " << kHostAddresses[h]);
    }

    // Failed logins are counted across hosts: five wrong passwords, spread over both, and the sixth
    // attempt — with the right password — is refused as throttled on either.
    {
        const std::string email = operator_user(host_a, shared, "three-throttle");
        for (int attempt = 0; attempt < 5; ++attempt) {
            const int h = attempt % 2;
            const auto r = api_call(*api[h], sites[h], "POST", "/api/auth/token/", {{"email", email}, {"password", "Wrong-Passw0rd"}});
            BOOST_TEST(r.status == 401, "wrong password #" << attempt + 1 << " on " << kHostAddresses[h] << ": " << show(r));
        }
        for (int h = 0; h < 2; ++h)
            BOOST_TEST(is_error(api_call(*api[h], sites[h], "POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}}),
                                429, "throttled"),
                       "the sixth login on " << kHostAddresses[h]);
    }

    // A logout on one host holds on the other at its next request: a browser session and an API token.
    {
        const std::string email = operator_user(host_a, shared, "three-logout");
        HttpClient browser({.cookies = true});
        const std::string session = page_login(browser, site_a, email);
        BOOST_TEST(profile_status(site_b, session) == 200);
        const auto out = submit(browser, site_a, "/accounts/logout/", {});
        BOOST_TEST(out.status == 302, show(out));
        BOOST_TEST(profile_status(site_b, session) == 302, "host b still knows the session host a ended");
        BOOST_TEST(profile_status(lb, session) == 302);

        const auto login = api_call(api_b, site_b, "POST", "/api/auth/login/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(login.status == 200, show(login));
        const std::string token = login.json().at("token");
        BOOST_TEST(api_call(api_a, site_a, "GET", "/api/me/", nullptr, token_auth(token)).status == 200);
        BOOST_TEST(api_call(api_b, site_b, "POST", "/api/auth/logout/", json::object(), token_auth(token)).status == 200);
        BOOST_TEST(api_call(api_a, site_a, "GET", "/api/me/", nullptr, token_auth(token)).status == 401);
    }

    // A password change on one host ends, on the other, the user's session, API token and JWT login.
    {
        const std::string email = operator_user(host_a, shared, "three-password");
        HttpClient browser({.cookies = true});
        const std::string session = page_login(browser, site_b, email);
        const auto pair = api_call(api_b, site_b, "POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(pair.status == 200, show(pair));
        const auto other = api_call(api_b, site_b, "POST", "/api/auth/login/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(other.status == 200, show(other));
        const auto mine = api_call(api_a, site_a, "POST", "/api/auth/login/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(mine.status == 200, show(mine));
        BOOST_TEST(profile_status(site_b, session) == 200);

        const auto change = api_call(api_a, site_a, "POST", "/api/auth/password/change/",
                                     {{"old_password", kPassword}, {"new_password", "Another-Sturdy-Passw0rd"}},
                                     token_auth(mine.json().at("token")));
        BOOST_TEST_REQUIRE(change.status == 200, show(change));
        BOOST_TEST(profile_status(site_b, session) == 302);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, token_auth(other.json().at("token"))).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "POST", "/api/auth/token/refresh/", {{"refresh", pair.json().at("refresh")}}).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, bearer(pair.json().at("access"))).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}}).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "POST", "/api/auth/token/", {{"email", email}, {"password", "Another-Sturdy-Passw0rd"}}).status == 200);
    }

    // A code mailed through one host is good on the other: a password reset begun on host a, its code
    // checked and the new password set on host b. (Either host's mailer may send it: both share the
    // outbox in the database, so the mail is in one of the two var dirs.)
    {
        const std::string email = operator_user(host_a, shared, "three-code");
        const auto begin = api_call(api_a, site_a, "POST", "/api/auth/password/reset/", {{"email", email}});
        BOOST_TEST_REQUIRE(begin.status == 200, show(begin));
        const std::string token = begin.json().at("token");
        std::string mail;
        BOOST_TEST_REQUIRE(wait_until(10s, [&] {
            for (Stack* host : hosts)
                for (const auto& m : Outbox(*host).mails_to(email))
                    if (m.find("Subject: Reset your password") != std::string::npos) mail = m;
            return !mail.empty();
        }), "no reset mail in either host's outbox");
        const std::string code = code_in(mail);
        const auto check = api_call(api_b, site_b, "POST", "/api/auth/password/reset/check-otp/", {{"token", token}, {"otp", code}});
        BOOST_TEST(check.status == 200, show(check));
        const auto confirm = api_call(api_b, site_b, "POST", "/api/auth/password/reset/confirm/",
                                      {{"token", token}, {"new_password", "Third-Sturdy-Passw0rd"}});
        BOOST_TEST(confirm.status == 200, show(confirm));
        BOOST_TEST(api_call(api_a, site_a, "POST", "/api/auth/token/", {{"email", email}, {"password", "Third-Sturdy-Passw0rd"}}).status == 200);
    }

    // A device revoked on one host is ended on the other at its next request: an API token and a JWT
    // login made on host b, revoked from the devices list on host a.
    {
        const std::string email = operator_user(host_a, shared, "three-device");
        const auto token_login = api_call(api_b, site_b, "POST", "/api/auth/login/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(token_login.status == 200, show(token_login));
        const std::string token = token_login.json().at("token");
        const auto pair = api_call(api_b, site_b, "POST", "/api/auth/token/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(pair.status == 200, show(pair));
        const std::string access = pair.json().at("access");
        const auto mine = api_call(api_a, site_a, "POST", "/api/auth/login/", {{"email", email}, {"password", kPassword}});
        BOOST_TEST_REQUIRE(mine.status == 200, show(mine));
        const std::string my_token = mine.json().at("token");
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, token_auth(token)).status == 200);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, bearer(access)).status == 200);

        const auto devices = api_call(api_a, site_a, "GET", "/api/me/devices/", nullptr, token_auth(my_token));
        BOOST_TEST_REQUIRE(devices.status == 200, show(devices));
        int revoked = 0;
        for (const auto& device : devices.json()) {
            if (device.at("current").get<bool>()) continue;
            const auto r = api_call(api_a, site_a, "DELETE", "/api/me/devices/" + std::to_string(device.at("id").get<long long>()) + "/",
                                    nullptr, token_auth(my_token));
            BOOST_TEST(r.status == 204, show(r));
            ++revoked;
        }
        BOOST_TEST(revoked == 2, "devices other than the caller's: " << devices.body);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, token_auth(token)).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, bearer(access)).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "POST", "/api/auth/token/refresh/", {{"refresh", pair.json().at("refresh")}}).status == 401);
        BOOST_TEST(api_call(api_b, site_b, "GET", "/api/me/", nullptr, token_auth(my_token)).status == 200);
    }

    // ---- The figures ----
    std::ostringstream figures;
    figures << "three hosts (2 Gatehouse hosts × " << StackOptions{}.workers << " workers, 3 memcached, " << database.engine() << ", " << kClients
            << " clients through the balancer):\n"
            << "  set-up " << ms(setup_done - test_start) << " ms; load " << ms(load_done - setup_done) << " ms; whole test "
            << ms(Clock::now() - test_start) << " ms\n"
            << "  requests " << answers.size() << " (page views " << pages << ", refreshes " << refreshes << ", logins " << logins
            << ")\n  answers by status (0: no answer):";
    for (const auto& [status, count] : by_status) figures << " " << status << "×" << count;
    figures << "\n  5xx or no answer: " << in_flight << " in flight on what was killed, " << unexplained.size() << " other";
    figures << "\n"
            << "  sessions logged out by a fault: " << sessions_lost + logged_out.size()
            << "; refresh tokens refused that should not have been: " << refreshes_refused << "\n"
            << "  the memcached killed held " << held_by_victim << " of the " << kClients << " browsers' sessions\n";
    for (std::size_t k = 0; k < events.size(); ++k)
        figures << "  " << std::left << std::setw(30) << events[k].what << " took " << std::right << std::setw(5)
                << ms(events[k].done - events[k].from) << " ms; service through the balancer back after " << recoveries[k].second
                << " ms" << (events[k].kill ? "; " + std::to_string(in_flight_at[k]) + " failed in flight" : std::string()) << "\n";
    BOOST_TEST_MESSAGE(figures.str());

    BOOST_TEST(unexplained.empty(), unexplained.size() << " failures no kill explains, e.g. " << (unexplained.empty() ? "" : unexplained.front()));
    for (std::size_t k = 0; k < events.size(); ++k)  // each client has one request in flight at most
        BOOST_TEST(in_flight_at[k] <= kClients, events[k].what << ": " << in_flight_at[k] << " failures in flight, more than the "
                                                               << kClients << " clients can have");
    BOOST_TEST(sessions_lost == 0, sessions_lost << " page views of a logged-in browser were sent to the login page");
    BOOST_TEST(logged_out.empty(), logged_out.size() << " session checks failed, e.g. " << (logged_out.empty() ? "" : logged_out.front()));
    BOOST_TEST(refreshes_refused == 0);
    for (const auto& [what, took] : recoveries)
        BOOST_TEST((took >= 0 && took <= ms(kRecoveryBudget)), what << ": service back after " << took << " ms");
    BOOST_TEST(pages > 100, "too little load to say anything: " << pages << " page views");
}

BOOST_AUTO_TEST_SUITE_END()
