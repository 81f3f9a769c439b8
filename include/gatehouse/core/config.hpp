#pragma once
// Configuration: built-in defaults < gatehouse.conf < GATEHOUSE_* environment.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gatehouse::core {

// Thrown when a setting is malformed; the message names the key.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    int https_port = 8443;
    int http_port = 8080;
    std::string listen_address;      // the one address nginx/stack.sh's nginx listens on; "" → every address
    std::string var_dir = "./var";
    std::string home;                // holds templates/, db/, nginx/; default: <prefix>/share/gatehouse when
                                     // installed, else the checkout the binary was built in
    std::string secret_key;          // from env, else $VAR/secret.key (see ensure_secrets)
    std::string jwe_key;             // base64url of 32 bytes
    bool jwt_encrypt = false;
    std::string database;            // "" → SQLite in $VAR/gatehouse.db; sqlite:///path or postgresql://…
    std::string memcached;           // "" → own server on $VAR/run/memcached.sock
    int memcached_replicas = -1;     // extra copies of each memcached key; -1 ("auto") → 1 with 3+ servers, else 0
    int workers = 0;                 // 0 → 2 × cores
    int max_requests = 10000;        // a worker is recycled after this many requests (0: never)
    int drain_timeout = 30;          // seconds a draining worker gets before SIGKILL
    std::string socket;              // the FastCGI socket; "" → $VAR/run/gatehouse.sock
    std::string socket_group = "www-data";  // started as root: the FastCGI socket's group (nginx's), mode 0660
    std::string email_backend = "file";
    std::string site_url;            // links in mails; "" → https://localhost:<https_port>
    std::string email_from = "Gatehouse <noreply@localhost>";  // the From of every mail (RFC 5322 mailbox)
    std::string smtp_host = "127.0.0.1";
    int smtp_port = 25;
    std::string smtp_user;
    std::string smtp_password;
    bool smtp_starttls = false;
    std::string sms_backend = "file";
    std::string sms_url;
    std::string password_hasher = "argon2id";
    int argon2_t = 2;
    int argon2_m_kib = 19456;
    int argon2_p = 1;
    int pbkdf2_iterations = 1000000;
    bool argon2_arena = false;       // argon2id with libargon2 in the pre-faulted hashing slots, not libsodium
    int hash_slots = -1;             // password hashes at once across workers; -1 (empty) → one per core, 0 → uncapped
    int access_ttl = 300;
    int refresh_ttl = 86400;
    int session_ttl = 1209600;
    bool require_verified = true;
    int max_devices = 10;
    bool expose_otp = false;
    bool throttle = true;
    int password_min_length = 8;
    bool password_composition = true;
    int refresh_grace = 0;
    bool test_hooks = false;         // test-only endpoints (/__test__/…); never in production
    std::vector<std::string> cors_origins;  // exact origins ("https://app.example.org") allowed CORS on /api/
    std::vector<std::string> trusted_proxies;  // addresses or CIDRs whose X-Forwarded-For nginx believes (realip)
    bool jwt_cookie = false;         // the refresh token travels in an HttpOnly cookie, not in the JSON
    int reauth_seconds = 600;        // sensitive actions need a login or password re-entry this recent
    bool new_device_mail = true;     // a login from a device not seen in 90 days mails the user
    bool staff_require_mfa = true;   // staff without TOTP: sent to /accounts/2fa/ by /admin/, 403 on staff API calls
    std::string language = "en";     // pages, mails and API details when neither cookie nor Accept-Language choose

    std::string db_path() const;              // $VAR/gatehouse.db
    std::string database_url() const;         // GATEHOUSE_DATABASE, else sqlite:///$VAR/gatehouse.db
    bool uses_postgresql() const;
    std::string socket_path() const;          // GATEHOUSE_SOCKET, else $VAR/run/gatehouse.sock (FastCGI)
    std::string memcached_servers() const;    // GATEHOUSE_MEMCACHED or $VAR/run/memcached.sock
    int memcached_server_count() const;       // the servers of memcached_servers()
    int effective_memcached_replicas() const;
    int effective_workers() const;
    int effective_hash_slots() const;
};

using Settings = std::map<std::string, std::string>;

// GATEHOUSE_CORS_ORIGINS: comma-separated origins, each scheme://host[:port] with scheme http or https
// and nothing after (no path, no '*'), as a browser writes its Origin header: lower case, the default
// port dropped. Throws ConfigError naming `key` and the bad entry.
std::vector<std::string> parse_origins(const std::string& key, const std::string& value);
// GATEHOUSE_TRUSTED_PROXIES: addresses or CIDRs ("10.0.0.0/8, 192.0.2.7, 2001:db8::/32"), comma- or
// space-separated, each checked with inet_pton (and its prefix length); ConfigError names a bad one.
std::vector<std::string> parse_trusted_proxies(const std::string& key, const std::string& value);
// GATEHOUSE_LISTEN_ADDRESS: one IPv4 or IPv6 literal (no brackets, no port, no name), or empty for
// every address; ConfigError names the key and the value otherwise.
std::string parse_listen_address(const std::string& key, const std::string& value);

// Reads KEY=VALUE lines ('#' comments, blank lines, optional quotes); throws ConfigError.
Settings parse_config_file(const std::string& text, const std::string& source_name);

// Applies settings on top of the defaults; unknown keys and bad values throw ConfigError.
Config make_config(const Settings& from_file, const Settings& from_env);

// The GATEHOUSE_* variables of this process's environment.
Settings settings_from_environment();

// defaults < $GATEHOUSE_CONF (else /etc/gatehouse/gatehouse.conf for an installed binary, ./gatehouse.conf
// for a checkout's; either only when it exists) < environment.
Config load_config();

// Fills secret_key and jwe_key from $VAR/secret.key and $VAR/jwe.key, creating them (mode 0600)
// the first time. Also creates the var directory layout.
void ensure_secrets(Config& config);

// The effective non-secret settings as `export GATEHOUSE_X='…'` lines, for shell scripts; a relative
// GATEHOUSE_VAR is made absolute (against the current directory), and so are the paths under it.
std::string config_as_shell(const Config& config);

// All keys this version understands, e.g. "GATEHOUSE_WORKERS".
std::vector<std::string> known_config_keys();

}  // namespace gatehouse::core
