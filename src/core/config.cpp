#include "gatehouse/core/config.hpp"

#include "gatehouse/core/crypto.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

extern char** environ;

namespace gatehouse::core {
namespace {

constexpr std::string_view kPrefix = "GATEHOUSE_";
constexpr const char* kInstalledConf = "/etc/gatehouse/gatehouse.conf";

int parse_int(const std::string& key, const std::string& value, int min, int max) {
    int out = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc{} || end != value.data() + value.size() || value.empty())
        throw ConfigError(key + ": expected a whole number, got '" + value + "'");
    if (out < min || out > max)
        throw ConfigError(key + ": must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + value);
    return out;
}

bool parse_bool(const std::string& key, const std::string& value) {
    if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
    if (value == "0" || value == "false" || value == "no" || value == "off") return false;
    throw ConfigError(key + ": expected 0 or 1, got '" + value + "'");
}

std::string parse_choice(const std::string& key, const std::string& value,
                         std::initializer_list<const char*> choices) {
    std::string allowed;
    for (const char* c : choices) {
        if (value == c) return value;
        allowed += allowed.empty() ? c : std::string(", ") + c;
    }
    throw ConfigError(key + ": must be one of " + allowed + ", got '" + value + "'");
}

// GATEHOUSE_MEMCACHED's entries, as store::Cache reads them (empty items skipped).
std::vector<std::string> memcached_server_list(const std::string& servers) {
    std::vector<std::string> out;
    std::stringstream list(servers);
    std::string item;
    while (std::getline(list, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

struct Setting {
    const char* key;  // without the GATEHOUSE_ prefix
    bool secret;
    std::function<void(Config&, const std::string& full_key, const std::string& value)> set;
    std::function<std::string(const Config&)> get;
};

#define GH_INT(NAME, FIELD, MIN, MAX)                                                        \
    Setting {                                                                                 \
        NAME, false,                                                                          \
            [](Config& c, const std::string& k, const std::string& v) {                     \
                c.FIELD = parse_int(k, v, MIN, MAX);                                          \
            },                                                                                \
            [](const Config& c) { return std::to_string(c.FIELD); }                          \
    }
#define GH_BOOL(NAME, FIELD)                                                                  \
    Setting {                                                                                 \
        NAME, false,                                                                          \
            [](Config& c, const std::string& k, const std::string& v) {                     \
                c.FIELD = parse_bool(k, v);                                                   \
            },                                                                                \
            [](const Config& c) { return std::string(c.FIELD ? "1" : "0"); }                 \
    }
#define GH_STR(NAME, FIELD, SECRET)                                                           \
    Setting {                                                                                 \
        NAME, SECRET, [](Config& c, const std::string&, const std::string& v) { c.FIELD = v; }, \
            [](const Config& c) { return c.FIELD; }                                           \
    }

const std::vector<Setting>& settings_table() {
    static const std::vector<Setting> table = {
        GH_INT("HTTPS_PORT", https_port, 1, 65535),
        GH_INT("HTTP_PORT", http_port, 1, 65535),
        Setting{"LISTEN_ADDRESS", false,
                [](Config& c, const std::string& k, const std::string& v) { c.listen_address = parse_listen_address(k, v); },
                [](const Config& c) { return c.listen_address; }},
        Setting{"VAR", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    if (v.empty()) throw ConfigError(k + ": must not be empty");
                    c.var_dir = v;
                },
                [](const Config& c) { return c.var_dir; }},
        GH_STR("HOME", home, false),
        GH_STR("SECRET_KEY", secret_key, true),
        Setting{"JWE_KEY", true,
                [](Config& c, const std::string& k, const std::string& v) {
                    auto raw = base64url_decode(v);
                    if (!v.empty() && (!raw || raw->size() != 32))
                        throw ConfigError(k + ": must be base64url of exactly 32 bytes");
                    c.jwe_key = v;
                },
                [](const Config& c) { return c.jwe_key; }},
        GH_BOOL("JWT_ENCRYPT", jwt_encrypt),
        // Secret: a PostgreSQL URI may carry a password (better kept in ~/.pgpass, README).
        Setting{"DATABASE", true,
                [](Config& c, const std::string& k, const std::string& v) {
                    const bool known = v.empty() || v.starts_with("postgresql://") || v.starts_with("postgres://") ||
                                       (v.starts_with("sqlite:///") && v.size() > 10);
                    if (!known) throw ConfigError(k + ": must be sqlite:///path or postgresql://…");
                    c.database = v;
                },
                [](const Config& c) { return c.database; }},
        GH_STR("MEMCACHED", memcached, false),
        Setting{"MEMCACHED_REPLICAS", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    c.memcached_replicas = v.empty() || v == "auto" ? -1 : parse_int(k, v, 0, 64);
                },
                [](const Config& c) { return c.memcached_replicas < 0 ? std::string("auto") : std::to_string(c.memcached_replicas); }},
        GH_INT("WORKERS", workers, 0, 512),  // 0: 2 × cores (what `config` prints by default)
        GH_INT("MAX_REQUESTS", max_requests, 0, 1'000'000'000),
        GH_INT("DRAIN_TIMEOUT", drain_timeout, 1, 3600),
        GH_STR("SOCKET_GROUP", socket_group, false),
        Setting{"SOCKET", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    if (!v.empty() && v.front() != '/') throw ConfigError(k + ": must be an absolute path, got '" + v + "'");
                    c.socket = v;
                },
                [](const Config& c) { return c.socket_path(); }},
        Setting{"SITE_URL", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    std::string url = v;
                    while (!url.empty() && url.back() == '/') url.pop_back();
                    const bool scheme = url.starts_with("https://") || url.starts_with("http://");
                    const bool clean = std::none_of(url.begin(), url.end(), [](unsigned char ch) {
                        return ch <= ' ' || ch == 0x7F || ch == '"' || ch == '<' || ch == '>' || ch == '\\';
                    });
                    if (!url.empty() && (!scheme || !clean || url.find('/', url.find("//") + 2) != std::string::npos))
                        throw ConfigError(k + ": must be like https://accounts.example.org (scheme and host, no path)");
                    c.site_url = url;
                },
                [](const Config& c) { return c.site_url; }},
        Setting{"EMAIL_BACKEND", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    c.email_backend = parse_choice(k, v, {"file", "smtp"});
                },
                [](const Config& c) { return c.email_backend; }},
        Setting{"EMAIL_FROM", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    const bool control = std::any_of(v.begin(), v.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
                    if (v.find('@') == std::string::npos || control)
                        throw ConfigError(k + ": expected an address such as 'Gatehouse <noreply@example.com>', got '" + v + "'");
                    c.email_from = v;
                },
                [](const Config& c) { return c.email_from; }},
        GH_STR("SMTP_HOST", smtp_host, false),
        GH_INT("SMTP_PORT", smtp_port, 1, 65535),
        GH_STR("SMTP_USER", smtp_user, false),
        GH_STR("SMTP_PASSWORD", smtp_password, true),
        GH_BOOL("SMTP_STARTTLS", smtp_starttls),
        Setting{"SMS_BACKEND", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    c.sms_backend = parse_choice(k, v, {"file", "http"});
                },
                [](const Config& c) { return c.sms_backend; }},
        GH_STR("SMS_URL", sms_url, false),
        Setting{"PASSWORD_HASHER", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    c.password_hasher = parse_choice(k, v, {"argon2id", "pbkdf2_sha256"});
                },
                [](const Config& c) { return c.password_hasher; }},
        GH_INT("ARGON2_T", argon2_t, 1, 100),
        GH_INT("ARGON2_M_KIB", argon2_m_kib, 8, 4 * 1024 * 1024),
        GH_INT("ARGON2_P", argon2_p, 1, 64),
        GH_INT("PBKDF2_ITERATIONS", pbkdf2_iterations, 1000, 100'000'000),
        GH_BOOL("ARGON2_ARENA", argon2_arena),
        Setting{"HASH_SLOTS", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    c.hash_slots = v.empty() ? -1 : parse_int(k, v, 0, 256);
                },
                [](const Config& c) { return c.hash_slots < 0 ? std::string() : std::to_string(c.hash_slots); }},
        GH_INT("ACCESS_TTL", access_ttl, 1, 86400 * 365),
        GH_INT("REFRESH_TTL", refresh_ttl, 1, 86400 * 3650),
        GH_INT("SESSION_TTL", session_ttl, 60, 86400 * 3650),
        GH_BOOL("REQUIRE_VERIFIED", require_verified),
        GH_INT("MAX_DEVICES", max_devices, 1, 10000),
        GH_BOOL("EXPOSE_OTP", expose_otp),
        GH_BOOL("THROTTLE", throttle),
        GH_INT("PASSWORD_MIN_LENGTH", password_min_length, 1, 128),
        GH_BOOL("PASSWORD_COMPOSITION", password_composition),
        GH_INT("REFRESH_GRACE", refresh_grace, 0, 3600),
        GH_BOOL("TEST_HOOKS", test_hooks),
        Setting{"CORS_ORIGINS", false,
                [](Config& c, const std::string& k, const std::string& v) { c.cors_origins = parse_origins(k, v); },
                [](const Config& c) {
                    std::string out;
                    for (const auto& o : c.cors_origins) out += (out.empty() ? "" : ",") + o;
                    return out;
                }},
        GH_BOOL("JWT_COOKIE", jwt_cookie),
        GH_INT("REAUTH_SECONDS", reauth_seconds, 1, 86400 * 30),
        GH_BOOL("NEW_DEVICE_MAIL", new_device_mail),
        GH_BOOL("STAFF_REQUIRE_MFA", staff_require_mfa),
        // A language code ("en", "fa"); serve also checks that its catalogue is there (README, *Languages*).
        Setting{"LANGUAGE", false,
                [](Config& c, const std::string& k, const std::string& v) {
                    const bool code = v.size() >= 2 && v.size() <= 3 &&
                                      v.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos;
                    if (!code) throw ConfigError(k + ": expected a language code such as en or fa, got '" + v + "'");
                    c.language = v;
                },
                [](const Config& c) { return c.language; }},
        Setting{"TRUSTED_PROXIES", false,
                [](Config& c, const std::string& k, const std::string& v) { c.trusted_proxies = parse_trusted_proxies(k, v); },
                [](const Config& c) {
                    std::string out;
                    for (const auto& p : c.trusted_proxies) out += (out.empty() ? "" : ",") + p;
                    return out;
                }},
    };
    return table;
}

#undef GH_INT
#undef GH_BOOL
#undef GH_STR

// Keys that are read by the scripts, not by the binary, but are still valid in gatehouse.conf.
bool is_script_only_key(std::string_view key) {
    return key == "GATEHOUSE_CONF" || key == "GATEHOUSE_TLS_CERT" || key == "GATEHOUSE_TLS_KEY";
}

std::string trim(std::string s) {
    auto not_space = [](unsigned char ch) { return !std::isspace(ch); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

void apply(Config& config, const Settings& settings, bool reject_unknown) {
    for (const auto& [key, value] : settings) {
        if (!key.starts_with(kPrefix)) {
            if (reject_unknown) throw ConfigError(key + ": not a Gatehouse setting (keys start with GATEHOUSE_)");
            continue;
        }
        const std::string name = key.substr(kPrefix.size());
        bool found = false;
        for (const auto& s : settings_table()) {
            if (name == s.key) {
                s.set(config, key, value);
                found = true;
                break;
            }
        }
        if (!found && reject_unknown && !is_script_only_key(key))
            throw ConfigError(key + ": unknown setting");
    }
}

std::string read_or_create_secret(const std::string& path, std::size_t bytes) {
    std::ifstream in(path);
    if (in) {
        std::string value;
        std::getline(in, value);
        value = trim(value);
        if (!value.empty()) return value;
    }
    const std::string value = base64url_encode(random_bytes(bytes));
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw ConfigError("cannot create " + path);
    ::fchmod(fd, 0600);  // a leftover temp file keeps its old mode through O_CREAT
    const std::string line = value + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) throw ConfigError("cannot write " + path);
    return value;
}

void make_dir(const std::string& path, mode_t mode) {
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        throw ConfigError("GATEHOUSE_VAR: cannot create directory " + path);
}

std::string executable_dir() {
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return "";
    const std::string path(exe, static_cast<std::size_t>(n));
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

// An installed binary, <prefix>/bin/gatehouse, finds <prefix>/share/gatehouse (with templates/ in it).
std::optional<std::string> installed_share_dir() {
    const std::string bin = executable_dir();
    const auto slash = bin.rfind('/');
    if (bin.empty() || slash == std::string::npos) return std::nullopt;
    const std::string share = bin.substr(0, slash) + "/share/gatehouse";
    struct stat st {};
    if (::stat((share + "/templates").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    return share;
}

// Installed: <prefix>/share/gatehouse. Otherwise a checkout's build: <home>/build/gatehouse → <home>.
std::string default_home() {
    if (auto share = installed_share_dir()) return *share;
    std::string path = executable_dir();
    const auto slash = path.rfind('/');
    if (path.empty() || slash == std::string::npos || slash == 0) return ".";
    path.resize(slash);
    return path;
}

bool valid_host(std::string_view host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')  // an IPv6 literal
        return host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdef:.") == std::string_view::npos;
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
    return host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string_view::npos &&
           host.find("..") == std::string_view::npos;
}

// One origin, normalised as a browser serialises it; the ConfigError names the entry.
std::string parse_origin(const std::string& key, std::string origin) {
    auto bad = [&](const std::string& why) {
        return ConfigError(key + ": '" + origin + "' " + why + " (expected exact origins like https://app.example.org)");
    };
    if (origin.find('*') != std::string::npos) throw bad("is a wildcard; only exact origins are allowed (credentials are sent)");
    std::string lower = origin;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::string_view scheme;
    if (lower.starts_with("https://")) scheme = "https";
    else if (lower.starts_with("http://")) scheme = "http";
    else throw bad("has no http:// or https:// scheme");
    std::string_view rest = std::string_view(lower).substr(scheme.size() + 3);
    if (rest.find_first_of("/?#") != std::string_view::npos) throw bad("has a path, query or fragment");
    if (rest.find('@') != std::string_view::npos) throw bad("has user information");
    std::string_view host = rest;
    std::string port;
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
        host = rest.substr(0, colon);
        const std::string_view digits = rest.substr(colon + 1);
        int number = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || number < 1 || number > 65535)
            throw bad("has a bad port");
        if (!(scheme == "https" && number == 443) && !(scheme == "http" && number == 80)) port = std::to_string(number);
    }
    if (!valid_host(host)) throw bad("has a bad host");
    std::string out = std::string(scheme) + "://" + std::string(host);
    if (!port.empty()) out += ":" + port;
    return out;
}

}  // namespace

std::vector<std::string> parse_origins(const std::string& key, const std::string& value) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        const std::string entry = trim(value.substr(start, end - start));
        if (!entry.empty()) {
            std::string origin = parse_origin(key, entry);
            if (std::find(out.begin(), out.end(), origin) == out.end()) out.push_back(std::move(origin));
        }
        start = end + 1;
    }
    return out;
}

std::vector<std::string> parse_trusted_proxies(const std::string& key, const std::string& value) {
    std::vector<std::string> out;
    std::string entry;
    std::string spaced = value;
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    std::istringstream words(spaced);
    while (words >> entry) {
        const auto slash = entry.find('/');
        const std::string address = entry.substr(0, slash);
        unsigned char bytes[16];
        const bool v6 = address.find(':') != std::string::npos;
        if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), bytes) != 1)
            throw ConfigError(key + ": \"" + entry + "\" is not an address or a CIDR");
        if (slash != std::string::npos) {
            const std::string bits = entry.substr(slash + 1);
            int prefix = -1;
            const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
            if (bits.empty() || ec != std::errc{} || end != bits.data() + bits.size() || prefix < 0 || prefix > (v6 ? 128 : 32))
                throw ConfigError(key + ": \"" + entry + "\" has a bad prefix length");
        }
        if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(entry);
    }
    return out;
}

std::string parse_listen_address(const std::string& key, const std::string& value) {
    if (value.empty()) return value;
    unsigned char bytes[16];
    if (inet_pton(AF_INET, value.c_str(), bytes) != 1 && inet_pton(AF_INET6, value.c_str(), bytes) != 1)
        throw ConfigError(key + ": \"" + value + "\" is not an IPv4 or IPv6 address (empty: every address)");
    return value;
}

std::string Config::db_path() const { return var_dir + "/gatehouse.db"; }

std::string Config::database_url() const { return database.empty() ? "sqlite:///" + db_path() : database; }

bool Config::uses_postgresql() const { return !database.empty() && !database.starts_with("sqlite:///"); }
std::string Config::socket_path() const { return socket.empty() ? var_dir + "/run/gatehouse.sock" : socket; }
std::string Config::memcached_servers() const {
    return memcached.empty() ? var_dir + "/run/memcached.sock" : memcached;
}
int Config::memcached_server_count() const { return static_cast<int>(memcached_server_list(memcached_servers()).size()); }
int Config::effective_memcached_replicas() const {
    if (memcached_replicas >= 0) return memcached_replicas;
    return memcached_server_count() >= 3 ? 1 : 0;
}
int Config::effective_workers() const {
    if (workers > 0) return workers;
    const unsigned cores = std::thread::hardware_concurrency();
    return static_cast<int>(cores == 0 ? 2 : 2 * cores);
}

int Config::effective_hash_slots() const {
    if (hash_slots >= 0) return hash_slots;
    const unsigned cores = std::thread::hardware_concurrency();
    return static_cast<int>(cores == 0 ? 1 : std::min(cores, 256u));
}

Settings parse_config_file(const std::string& text, const std::string& source_name) {
    Settings out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (line.starts_with("export ")) line = trim(line.substr(7));
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0)
            throw ConfigError(source_name + ":" + std::to_string(number) + ": expected KEY=VALUE");
        std::string key = trim(line.substr(0, eq));
        std::string value = trim(line.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        out[key] = value;
    }
    return out;
}

namespace {

// A server listed twice would hold a key and its replica both; replicas need as many other servers.
void check_memcached_pool(const Config& config) {
    const std::vector<std::string> servers = memcached_server_list(config.memcached_servers());
    for (std::size_t i = 0; i < servers.size(); ++i)
        if (std::find(servers.begin(), servers.begin() + static_cast<std::ptrdiff_t>(i), servers[i]) != servers.begin() + static_cast<std::ptrdiff_t>(i))
            throw ConfigError("GATEHOUSE_MEMCACHED: '" + servers[i] + "' is listed twice");
    if (config.memcached_replicas >= 0 && static_cast<std::size_t>(config.memcached_replicas) >= servers.size())
        throw ConfigError("GATEHOUSE_MEMCACHED_REPLICAS: must be less than the number of memcached servers (" +
                          std::to_string(servers.size()) + " in GATEHOUSE_MEMCACHED), got " +
                          std::to_string(config.memcached_replicas));
}

}  // namespace

Config make_config(const Settings& from_file, const Settings& from_env) {
    Config config;
    config.home = default_home();
    apply(config, from_file, /*reject_unknown=*/true);
    apply(config, from_env, /*reject_unknown=*/false);
    if (config.sms_backend == "http" && config.sms_url.empty())
        throw ConfigError("GATEHOUSE_SMS_URL: required when GATEHOUSE_SMS_BACKEND=http");
    if (config.https_port == config.http_port)
        throw ConfigError("GATEHOUSE_HTTP_PORT: must differ from GATEHOUSE_HTTPS_PORT");
    check_memcached_pool(config);
    return config;
}

Settings settings_from_environment() {
    Settings out;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        if (!entry.starts_with(kPrefix)) continue;
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        out[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
    }
    return out;
}

Config load_config() {
    Settings file_settings;
    const char* explicit_path = std::getenv("GATEHOUSE_CONF");
    const std::string path = explicit_path ? explicit_path : installed_share_dir() ? kInstalledConf : "gatehouse.conf";
    std::ifstream in(path);
    if (in) {
        std::stringstream text;
        text << in.rdbuf();
        file_settings = parse_config_file(text.str(), path);
    } else if (explicit_path) {
        throw ConfigError("GATEHOUSE_CONF: cannot read " + path);
    }
    return make_config(file_settings, settings_from_environment());
}

void ensure_secrets(Config& config) {
    make_dir(config.var_dir, 0711);
    make_dir(config.var_dir + "/run", 0755);
    make_dir(config.var_dir + "/log", 0750);
    make_dir(config.var_dir + "/mail", 0750);
    make_dir(config.var_dir + "/sms", 0750);
    make_dir(config.var_dir + "/media", 0755);  // profile pictures, which nginx serves: readable whatever the umask
    ::chmod((config.var_dir + "/media").c_str(), 0755);
    if (config.secret_key.empty())
        config.secret_key = read_or_create_secret(config.var_dir + "/secret.key", 48);
    if (config.jwe_key.empty()) {
        config.jwe_key = read_or_create_secret(config.var_dir + "/jwe.key", 32);
        auto raw = base64url_decode(config.jwe_key);
        if (!raw || raw->size() != 32)
            throw ConfigError("GATEHOUSE_JWE_KEY: " + config.var_dir + "/jwe.key is not base64url of 32 bytes");
    }
}

std::string config_as_shell(const Config& given) {
    Config config = given;  // paths absolute, so that a script that exports them and runs us again gets the same
    if (!config.var_dir.starts_with('/')) {
        char cwd[4096];
        if (::getcwd(cwd, sizeof cwd)) {
            std::string var = config.var_dir;
            while (var.starts_with("./")) var.erase(0, 2);
            config.var_dir = std::string(cwd) + (var.empty() || var == "." ? "" : "/" + var);
        }
    }
    std::string out;
    for (const auto& s : settings_table()) {
        if (s.secret) continue;
        std::string value = s.get(config);
        std::string quoted = "'";
        for (char ch : value) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        quoted += "'";
        out += "export GATEHOUSE_" + std::string(s.key) + "=" + quoted + "\n";
    }
    out += "export GATEHOUSE_MEMCACHED_SERVERS='" + config.memcached_servers() + "'\n";
    out += "export GATEHOUSE_EFFECTIVE_WORKERS='" + std::to_string(config.effective_workers()) + "'\n";
    out += "export GATEHOUSE_EFFECTIVE_HASH_SLOTS='" + std::to_string(config.effective_hash_slots()) + "'\n";
    return out;
}

std::vector<std::string> known_config_keys() {
    std::vector<std::string> out;
    for (const auto& s : settings_table()) out.push_back(std::string(kPrefix) + s.key);
    return out;
}

}  // namespace gatehouse::core
