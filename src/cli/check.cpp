// gatehouse check: is this installation able to run? Like Django's `manage.py check --deploy`, one
// line per finding ("ok", "warn", "skip" or "FAIL"), and a non-zero exit when anything failed.
#include "gatehouse/accounts/health.hpp"
#include "gatehouse/cli/commands.hpp"
#include "gatehouse/cli/prompt.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

extern char** environ;

namespace gatehouse::cli {
namespace {

constexpr const char* kCheckUsage = R"(usage: gatehouse check

Checks the settings, the database (PRAGMA integrity_check, no pending migration), memcached, the
secret key files (mode 0600, owned by the user running the check), nginx's rendered configuration
(nginx -t) and the certificate nginx serves (warns under 14 days, fails once expired). One line per
finding; exit status 1 when anything failed.
)";

constexpr int kWarnCertificateDays = 14;

struct Report {
    int failures = 0;
    void ok(const std::string& what, const std::string& text) { std::cout << "ok    " << what << ": " << text << "\n"; }
    void warn(const std::string& what, const std::string& text) { std::cout << "warn  " << what << ": " << text << "\n"; }
    void skip(const std::string& what, const std::string& text) { std::cout << "skip  " << what << ": " << text << "\n"; }
    void fail(const std::string& what, const std::string& text) {
        std::cout << "FAIL  " << what << ": " << text << "\n";
        ++failures;
    }
};

bool exists(const std::string& path) { return std::filesystem::exists(path); }

void check_database(const core::Config& config, Report& report) {
    try {
        const auto db = accounts::inspect_database(config);
        if (!db.exists) {
            report.fail("database", db.where + " does not exist (gatehouse migrate creates it)");
            return;
        }
        for (const auto& problem : db.problems) report.fail("database", "integrity: " + problem);
        for (const auto& name : db.pending) report.fail("database", "migration " + name + " not applied (gatehouse migrate)");
        if (db.problems.empty() && db.pending.empty())
            report.ok("database", db.where + ": integrity ok, every migration applied");
    } catch (const std::exception& e) {
        report.fail("database", e.what());
    }
}

void check_memcached(const core::Config& config, Report& report) {
    if (accounts::memcached_reachable(config)) report.ok("memcached", config.memcached_servers() + " answers");
    else report.fail("memcached", config.memcached_servers() + " does not answer");
}

// A secret key file: readable by its owner only (0600), and that owner is whoever runs the check
// (the service's user).
void check_secret_file(const std::string& what, const std::string& path, Report& report) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        report.fail(what, path + " is missing (gatehouse migrate or serve creates it)");
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        report.fail(what, path + " is not a regular file");
        return;
    }
    const unsigned mode = st.st_mode & 07777;
    bool good = true;
    if (mode != 0600) {
        char text[64];
        std::snprintf(text, sizeof text, "mode %04o, not 0600", mode);
        report.fail(what, path + ": " + text + " (chmod 600 " + path + ")");
        good = false;
    }
    if (st.st_uid != ::geteuid()) {
        report.fail(what, path + ": owned by uid " + std::to_string(st.st_uid) + ", not by " + os_user() +
                              " who runs this (uid " + std::to_string(::geteuid()) + ")");
        good = false;
    }
    if (good) report.ok(what, path + ": mode 0600, owned by " + os_user());
}

void check_secrets(core::Config& config, Report& report) {
    const bool key_from_settings = !config.secret_key.empty(), jwe_from_settings = !config.jwe_key.empty();
    if (key_from_settings) report.skip("secret key", "GATEHOUSE_SECRET_KEY is set; no file to check");
    else check_secret_file("secret key", config.var_dir + "/secret.key", report);
    if (jwe_from_settings) report.skip("jwe key", "GATEHOUSE_JWE_KEY is set; no file to check");
    else check_secret_file("jwe key", config.var_dir + "/jwe.key", report);
    // Their content, as the server reads them (only when there is no file to create: a check creates nothing).
    if ((key_from_settings || exists(config.var_dir + "/secret.key")) && (jwe_from_settings || exists(config.var_dir + "/jwe.key"))) {
        try {
            core::ensure_secrets(config);
        } catch (const core::ConfigError& e) {
            report.fail("secret keys", e.what());
        }
    }
}

// The nginx binary: on PATH, or where Debian puts it (an operator's PATH may lack /usr/sbin).
std::string nginx_binary() {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/sbin:/sbin";
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/nginx").c_str(), X_OK) == 0) return dir + "/nginx";
    return {};
}

// Runs `nginx -t -q -e stderr -c conf`; its exit status and what it printed.
std::pair<int, std::string> nginx_test(const std::string& nginx, const std::string& conf) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {-1, "cannot make a pipe"};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::string a0 = nginx, a1 = "-t", a2 = "-q", a3 = "-e", a4 = "stderr", a5 = "-c", a6 = conf;
    char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), a5.data(), a6.data(), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, nginx.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; spawned == 0 && (n = ::read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    if (spawned != 0) return {-1, "cannot run " + nginx};
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void check_nginx(const core::Config& config, Report& report) {
    const std::string conf = config.var_dir + "/nginx/nginx.conf";
    if (!exists(conf)) {
        report.skip("nginx", conf + " is not rendered (nginx/stack.sh renders it); not tested");
        return;
    }
    const std::string nginx = nginx_binary();
    if (nginx.empty()) {
        report.fail("nginx", "no nginx binary on PATH or in /usr/sbin");
        return;
    }
    const auto [status, output] = nginx_test(nginx, conf);
    if (status == 0) {
        report.ok("nginx", "nginx -t accepts " + conf);
        return;
    }
    std::istringstream lines(output);
    bool said = false;
    for (std::string text; std::getline(lines, text);)
        if (!text.empty() && text.find("test failed") == std::string::npos) {
            report.fail("nginx", text);
            said = true;
        }
    if (!said) report.fail("nginx", "nginx -t refuses " + conf + " (exit status " + std::to_string(status) + ")");
}

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};

void check_certificate(const core::Config& config, Report& report) {
    const char* configured = std::getenv("GATEHOUSE_TLS_CERT");
    const std::string path = configured && *configured ? configured : config.var_dir + "/tls/cert.pem";
    if (!exists(path)) {
        if (configured && *configured) report.fail("certificate", "GATEHOUSE_TLS_CERT names " + path + ", which does not exist");
        else report.skip("certificate", path + " does not exist yet (nginx/render.sh makes a self-signed one)");
        return;
    }
    std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
    std::unique_ptr<X509, X509Free> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
        report.fail("certificate", path + " is not a readable PEM certificate");
        return;
    }
    std::tm until_tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &until_tm) != 1) {
        report.fail("certificate", path + ": its expiry date cannot be read");
        return;
    }
    const std::int64_t seconds_left = static_cast<std::int64_t>(::timegm(&until_tm)) - std::time(nullptr);
    const std::int64_t days = seconds_left / 86400;  // whole days left
    std::unique_ptr<BIO, BioFree> text(BIO_new(BIO_s_mem()));
    std::string until = "?";
    if (text && ASN1_TIME_print(text.get(), X509_get0_notAfter(cert.get())) == 1) {
        char* data = nullptr;
        const long size = BIO_get_mem_data(text.get(), &data);
        until.assign(data, static_cast<std::size_t>(size));
    }
    if (seconds_left <= 0)
        report.fail("certificate", path + " expired on " + until);
    else if (days < kWarnCertificateDays)
        report.warn("certificate", path + " expires in " + std::to_string(days) + " day(s), on " + until);
    else
        report.ok("certificate", path + ": " + std::to_string(days) + " days left (until " + until + ")");
}

}  // namespace

int check(core::Config& config, const Args& args) {
    auto line = parse_command_line(args, 1, {}, {});
    if (!line || !line->positional.empty()) {
        std::cerr << "error: " << (line ? "unexpected '" + line->positional.front() + "'" : line.error()) << "\n" << kCheckUsage;
        return 2;
    }
    if (line->wants_help()) {
        std::cout << kCheckUsage;
        return 0;
    }
    Report report;
    report.ok("config", "the settings load (GATEHOUSE_VAR=" + config.var_dir + ", GATEHOUSE_HOME=" + config.home + ")");
    check_secrets(config, report);
    check_database(config, report);
    check_memcached(config, report);
    check_nginx(config, report);
    check_certificate(config, report);
    if (report.failures > 0) {
        std::cerr << report.failures << " problem(s) found\n";
        return 1;
    }
    return 0;
}

}  // namespace gatehouse::cli
