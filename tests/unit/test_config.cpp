#include "gatehouse/core/config.hpp"
#include "gatehouse/core/crypto.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

using namespace gatehouse::core;

namespace {

// True when make_config throws a ConfigError whose message names `key`.
bool rejects(const Settings& file, const Settings& env, const std::string& key) {
    try {
        make_config(file, env);
    } catch (const ConfigError& e) {
        return std::string(e.what()).find(key) != std::string::npos;
    }
    return false;
}

unsigned file_mode(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults) {
    const Config c = make_config({}, {});
    BOOST_TEST(c.https_port == 8443);
    BOOST_TEST(c.http_port == 8080);
    BOOST_TEST(c.var_dir == "./var");
    BOOST_TEST(c.workers == 0);
    BOOST_TEST(c.effective_workers() >= 2);
    BOOST_TEST(c.email_backend == "file");
    BOOST_TEST(c.password_hasher == "argon2id");
    BOOST_TEST(c.argon2_m_kib == 19456);
    BOOST_TEST(c.session_ttl == 1209600);
    BOOST_TEST(c.require_verified);
    BOOST_TEST(!c.test_hooks);
    BOOST_TEST(c.db_path() == "./var/gatehouse.db");
    BOOST_TEST(c.memcached_servers() == "./var/run/memcached.sock");
}

BOOST_AUTO_TEST_CASE(file_overrides_defaults_and_environment_overrides_file) {
    const Settings file{{"GATEHOUSE_WORKERS", "3"}, {"GATEHOUSE_HTTPS_PORT", "9443"}, {"GATEHOUSE_THROTTLE", "0"}};
    const Settings env{{"GATEHOUSE_WORKERS", "5"}, {"GATEHOUSE_MEMCACHED", "127.0.0.1:11311"}};
    const Config c = make_config(file, env);
    BOOST_TEST(c.workers == 5);            // env beats file
    BOOST_TEST(c.effective_workers() == 5);
    BOOST_TEST(c.https_port == 9443);      // file beats default
    BOOST_TEST(!c.throttle);
    BOOST_TEST(c.memcached_servers() == "127.0.0.1:11311");
    BOOST_TEST(c.http_port == 8080);       // default stays
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_key) {
    BOOST_TEST(rejects({}, {{"GATEHOUSE_WORKERS", "abc"}}, "GATEHOUSE_WORKERS"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_WORKERS", "4x"}}, "GATEHOUSE_WORKERS"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_HTTPS_PORT", "70000"}}, "GATEHOUSE_HTTPS_PORT"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_HTTPS_PORT", ""}}, "GATEHOUSE_HTTPS_PORT"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_EMAIL_BACKEND", "pigeon"}}, "GATEHOUSE_EMAIL_BACKEND"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_THROTTLE", "maybe"}}, "GATEHOUSE_THROTTLE"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_JWE_KEY", base64url_encode(std::string(31, 'k'))}}, "GATEHOUSE_JWE_KEY"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_JWE_KEY", "not base64!"}}, "GATEHOUSE_JWE_KEY"));
    BOOST_TEST(rejects({{"GATEHOUSE_WORKERS", "513"}}, {}, "GATEHOUSE_WORKERS"));  // from the file too
    BOOST_TEST(rejects({}, {{"GATEHOUSE_HTTP_PORT", "8443"}}, "GATEHOUSE_HTTP_PORT"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_SMS_BACKEND", "http"}}, "GATEHOUSE_SMS_URL"));

    BOOST_TEST(rejects({}, {{"GATEHOUSE_SITE_URL", "accounts.example.org"}}, "GATEHOUSE_SITE_URL"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_SITE_URL", "https://example.org/accounts"}}, "GATEHOUSE_SITE_URL"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_SITE_URL", "https://exa mple.org"}}, "GATEHOUSE_SITE_URL"));

    const std::string key = base64url_encode(std::string(32, 'k'));
    BOOST_TEST(make_config({}, {{"GATEHOUSE_JWE_KEY", key}}).jwe_key == key);
    BOOST_TEST(make_config({}, {{"GATEHOUSE_SITE_URL", "https://accounts.example.org/"}}).site_url ==
               "https://accounts.example.org");
}

BOOST_AUTO_TEST_CASE(unknown_keys) {
    BOOST_TEST(rejects({{"GATEHOUSE_WROKERS", "3"}}, {}, "GATEHOUSE_WROKERS"));
    BOOST_TEST(rejects({{"WORKERS", "3"}}, {}, "WORKERS"));
    BOOST_CHECK_NO_THROW(make_config({}, {{"GATEHOUSE_WROKERS", "3"}, {"PATH", "/bin"}}));
    BOOST_CHECK_NO_THROW(make_config({{"GATEHOUSE_TLS_CERT", "/etc/cert.pem"}}, {}));  // read by the scripts
}

BOOST_AUTO_TEST_CASE(parse_config_file_syntax) {
    const Settings s = parse_config_file(
        "# a comment\n"
        "\n"
        "GATEHOUSE_WORKERS=4\n"
        "   # indented comment\n"
        "export GATEHOUSE_VAR=/srv/gatehouse\n"
        "GATEHOUSE_SMTP_HOST = \"mail.example.org\"\n"
        "GATEHOUSE_SMTP_USER='it''s'\n"
        "GATEHOUSE_SMTP_PASSWORD=a=b#c\n"
        "GATEHOUSE_SMS_URL=\r\n",
        "test.conf");
    const Settings expected{{"GATEHOUSE_WORKERS", "4"},
                            {"GATEHOUSE_VAR", "/srv/gatehouse"},
                            {"GATEHOUSE_SMTP_HOST", "mail.example.org"},
                            {"GATEHOUSE_SMTP_USER", "it''s"},
                            {"GATEHOUSE_SMTP_PASSWORD", "a=b#c"},
                            {"GATEHOUSE_SMS_URL", ""}};
    BOOST_TEST(s == expected);
    BOOST_TEST(make_config(s, {}).var_dir == "/srv/gatehouse");
}

BOOST_AUTO_TEST_CASE(parse_config_file_rejects_a_line_without_equals) {
    BOOST_CHECK_EXCEPTION(parse_config_file("GATEHOUSE_WORKERS=2\nGATEHOUSE_THROTTLE\n", "my.conf"), ConfigError,
                          [](const ConfigError& e) { return std::string(e.what()).starts_with("my.conf:2:"); });
    BOOST_CHECK_THROW(parse_config_file("=value\n", "my.conf"), ConfigError);
}

BOOST_AUTO_TEST_CASE(ensure_secrets_creates_private_files_once) {
    gatehouse::test::TempDir tmp;
    Config first;
    first.var_dir = tmp.file("var");
    ensure_secrets(first);
    BOOST_TEST(file_mode(first.var_dir + "/secret.key") == 0600u);
    BOOST_TEST(file_mode(first.var_dir + "/jwe.key") == 0600u);
    BOOST_TEST(first.secret_key.size() >= 40);
    BOOST_TEST(base64url_decode(first.jwe_key).value_or("").size() == 32u);
    BOOST_TEST(std::filesystem::is_directory(first.var_dir + "/run"));

    Config second;
    second.var_dir = first.var_dir;
    ensure_secrets(second);
    BOOST_TEST(second.secret_key == first.secret_key);
    BOOST_TEST(second.jwe_key == first.jwe_key);

    Config third;  // a key from the environment wins over the file
    third.var_dir = first.var_dir;
    third.secret_key = "from-the-environment";
    ensure_secrets(third);
    BOOST_TEST(third.secret_key == "from-the-environment");
}

BOOST_AUTO_TEST_CASE(cors_origins_are_exact_origins_normalised_as_browsers_send_them) {
    BOOST_TEST(make_config({}, {}).cors_origins.empty());  // off by default
    BOOST_TEST(!make_config({}, {}).jwt_cookie);
    const Config c = make_config({}, {{"GATEHOUSE_CORS_ORIGINS",
                                       " https://App.Example.org , http://localhost:5173,https://app.example.org:443,"
                                       "http://[::1]:8080, https://10.0.0.7:08443 ,"}});
    const std::vector<std::string> expected = {"https://app.example.org", "http://localhost:5173", "http://[::1]:8080",
                                               "https://10.0.0.7:8443"};
    BOOST_TEST(c.cors_origins == expected, boost::test_tools::per_element());
    BOOST_TEST(make_config({}, {{"GATEHOUSE_JWT_COOKIE", "1"}}).jwt_cookie);
    // What `gatehouse config` prints reads back as the same list.
    BOOST_TEST(config_as_shell(c).find("export GATEHOUSE_CORS_ORIGINS='https://app.example.org,http://localhost:5173,"
                                       "http://[::1]:8080,https://10.0.0.7:8443'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cors_origins_refuse_anything_but_scheme_host_and_port) {
    for (const char* bad : {"*", "https://*.example.org", "app.example.org", "ftp://app.example.org",
                            "https://app.example.org/", "https://app.example.org/spa", "https://app.example.org?x=1",
                            "https://user@app.example.org", "https://app.example.org:0", "https://app.example.org:99999",
                            "https://app.example.org:", "https://app.example.org:80a", "https://", "null",
                            "https://app_example.org", "https://app example.org", "https://ok.example.org,https://"}) {
        BOOST_TEST(rejects({}, {{"GATEHOUSE_CORS_ORIGINS", bad}}, "GATEHOUSE_CORS_ORIGINS"), bad);
    }
    BOOST_TEST(rejects({{"GATEHOUSE_CORS_ORIGINS", "*"}}, {}, "GATEHOUSE_CORS_ORIGINS"));  // from the file too
    BOOST_TEST(rejects({}, {{"GATEHOUSE_JWT_COOKIE", "sometimes"}}, "GATEHOUSE_JWT_COOKIE"));
    try {
        parse_origins("GATEHOUSE_CORS_ORIGINS", "https://ok.example.org, https://bad.example.org/path");
        BOOST_TEST(false, "a path was accepted");
    } catch (const ConfigError& e) {
        BOOST_TEST(std::string(e.what()).find("'https://bad.example.org/path'") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(trusted_proxies_are_addresses_or_cidrs) {
    BOOST_TEST((parse_trusted_proxies("K", " 10.0.0.0/8, 192.0.2.7  2001:db8::/32,10.0.0.0/8") ==
                std::vector<std::string>{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}));
    BOOST_TEST(parse_trusted_proxies("K", "").empty());
    for (const char* bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/8x", "example.org", "10.0.0",
                            "10.0.0.1;", "1.2.3.4/-1", "unix:"}) {
        BOOST_TEST(rejects({}, {{"GATEHOUSE_TRUSTED_PROXIES", bad}}, "GATEHOUSE_TRUSTED_PROXIES"), bad);
    }
}

BOOST_AUTO_TEST_CASE(the_socket_is_under_var_unless_set_and_a_set_one_is_absolute) {
    BOOST_TEST(make_config({}, {{"GATEHOUSE_VAR", "/srv/gh"}}).socket_path() == "/srv/gh/run/gatehouse.sock");
    BOOST_TEST(make_config({{"GATEHOUSE_SOCKET", "/run/gatehouse/gatehouse.sock"}}, {}).socket_path() ==
               "/run/gatehouse/gatehouse.sock");
    BOOST_TEST(make_config({}, {{"GATEHOUSE_SOCKET", ""}}).socket_path() == "./var/run/gatehouse.sock");
    BOOST_TEST(rejects({}, {{"GATEHOUSE_SOCKET", "run/gatehouse.sock"}}, "GATEHOUSE_SOCKET"));
}

BOOST_AUTO_TEST_CASE(an_empty_jwe_key_means_the_generated_one) {
    BOOST_TEST(make_config({{"GATEHOUSE_JWE_KEY", ""}}, {}).jwe_key.empty());
}

// What nginx/stack.sh evals and exports before it runs `gatehouse` again: absolute paths, so the second
// run (which reads them back from the environment) agrees with the first.
BOOST_AUTO_TEST_CASE(config_as_shell_exports_absolute_paths_that_read_back_the_same) {
    const std::string shell = config_as_shell(make_config({}, {{"GATEHOUSE_VAR", "./state"}}));
    const std::string cwd = std::filesystem::current_path().string();
    BOOST_TEST(shell.find("export GATEHOUSE_VAR='" + cwd + "/state'\n") != std::string::npos);
    BOOST_TEST(shell.find("export GATEHOUSE_SOCKET='" + cwd + "/state/run/gatehouse.sock'\n") != std::string::npos);
    BOOST_TEST(shell.find("export GATEHOUSE_MEMCACHED_SERVERS='" + cwd + "/state/run/memcached.sock'\n") !=
               std::string::npos);

    Settings exported;  // the exports, as the environment of the next run
    std::istringstream lines(shell);
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        exported[line.substr(7, eq - 7)] = line.substr(eq + 2, line.size() - eq - 3);
    }
    BOOST_TEST(config_as_shell(make_config({}, exported)) == shell);
}

// GATEHOUSE_MEMCACHED_REPLICAS: "auto" gives one extra copy from three servers on; a number must leave
// each copy a server of its own.
BOOST_AUTO_TEST_CASE(memcached_replicas) {
    const std::string three = "10.0.0.4:11211,10.0.0.5:11211,10.0.0.6:11211";
    BOOST_TEST(make_config({}, {}).effective_memcached_replicas() == 0);  // own server
    BOOST_TEST(make_config({}, {}).memcached_server_count() == 1);
    BOOST_TEST(make_config({}, {{"GATEHOUSE_MEMCACHED", "10.0.0.4:11211,10.0.0.5:11211"}}).effective_memcached_replicas() == 0);
    const Config auto_three = make_config({}, {{"GATEHOUSE_MEMCACHED", three}});
    BOOST_TEST(auto_three.memcached_server_count() == 3);
    BOOST_TEST(auto_three.effective_memcached_replicas() == 1);
    BOOST_TEST(make_config({}, {{"GATEHOUSE_MEMCACHED", three}, {"GATEHOUSE_MEMCACHED_REPLICAS", "auto"}}).effective_memcached_replicas() == 1);
    BOOST_TEST(make_config({}, {{"GATEHOUSE_MEMCACHED", three}, {"GATEHOUSE_MEMCACHED_REPLICAS", "0"}}).effective_memcached_replicas() == 0);
    BOOST_TEST(make_config({{"GATEHOUSE_MEMCACHED", three}, {"GATEHOUSE_MEMCACHED_REPLICAS", "2"}}, {}).effective_memcached_replicas() == 2);
    BOOST_TEST(rejects({}, {{"GATEHOUSE_MEMCACHED", three}, {"GATEHOUSE_MEMCACHED_REPLICAS", "3"}}, "GATEHOUSE_MEMCACHED_REPLICAS"));
    BOOST_TEST(rejects({}, {{"GATEHOUSE_MEMCACHED_REPLICAS", "1"}}, "GATEHOUSE_MEMCACHED_REPLICAS"));  // one own server
    BOOST_TEST(rejects({}, {{"GATEHOUSE_MEMCACHED", "a:1,b:1"}, {"GATEHOUSE_MEMCACHED_REPLICAS", "2"}}, "GATEHOUSE_MEMCACHED_REPLICAS"));
    for (const char* bad : {"-1", "one", "1.5", " 1"})
        BOOST_TEST(rejects({}, {{"GATEHOUSE_MEMCACHED", three}, {"GATEHOUSE_MEMCACHED_REPLICAS", bad}}, "GATEHOUSE_MEMCACHED_REPLICAS"), bad);
    // The same server twice would hold a key and its copy both.
    BOOST_TEST(rejects({}, {{"GATEHOUSE_MEMCACHED", "a:1,b:1,a:1"}}, "GATEHOUSE_MEMCACHED"));
    BOOST_TEST(config_as_shell(auto_three).find("export GATEHOUSE_MEMCACHED_REPLICAS='auto'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(language_is_a_language_code_english_by_default) {
    BOOST_TEST(make_config({}, {}).language == "en");
    BOOST_TEST(make_config({}, {{"GATEHOUSE_LANGUAGE", "fa"}}).language == "fa");
    BOOST_TEST(make_config({{"GATEHOUSE_LANGUAGE", "fa"}}, {}).language == "fa");
    for (const char* bad : {"", "FA", "fa-IR", "persian", "f"})
        BOOST_TEST(rejects({}, {{"GATEHOUSE_LANGUAGE", bad}}, "GATEHOUSE_LANGUAGE"), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(the_listen_address_is_one_ip_literal_or_empty) {
    BOOST_TEST(make_config({}, {}).listen_address.empty());  // every address, as `make run` always listened
    BOOST_TEST(make_config({}, {{"GATEHOUSE_LISTEN_ADDRESS", "127.0.0.2"}}).listen_address == "127.0.0.2");
    BOOST_TEST(make_config({{"GATEHOUSE_LISTEN_ADDRESS", "2001:db8::7"}}, {}).listen_address == "2001:db8::7");
    BOOST_TEST(make_config({}, {{"GATEHOUSE_LISTEN_ADDRESS", ""}}).listen_address.empty());
    for (const char* bad : {"localhost", "127.0.0.2:8443", "[::1]", "10.0.0.0/8", "127.0.0", "0x7f.0.0.1 ", " 127.0.0.2",
                            "127.0.0.2,127.0.0.3", "::1;"}) {
        BOOST_TEST(rejects({}, {{"GATEHOUSE_LISTEN_ADDRESS", bad}}, "GATEHOUSE_LISTEN_ADDRESS"), bad);
    }
    BOOST_TEST(rejects({{"GATEHOUSE_LISTEN_ADDRESS", "example.org"}}, {}, "GATEHOUSE_LISTEN_ADDRESS"));  // from the file too
    BOOST_TEST(config_as_shell(make_config({}, {{"GATEHOUSE_LISTEN_ADDRESS", "::1"}})).find("GATEHOUSE_LISTEN_ADDRESS='::1'") !=
               std::string::npos);
}
