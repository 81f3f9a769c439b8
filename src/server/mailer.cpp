#include "gatehouse/server/mailer.hpp"

#include "gatehouse/accounts/email_change.hpp"
#include "gatehouse/accounts/housekeeping.hpp"
#include "gatehouse/store/email_changes.hpp"
#include "gatehouse/store/housekeeping.hpp"

#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/outbox.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::server {
namespace {

constexpr int kBatch = 50;              // messages per pass
constexpr long kPollMilliseconds = 500; // pause between passes when the outbox is drained
constexpr long kConnectTimeout = 10;    // seconds, SMTP and SMS webhook
constexpr long kTransferTimeout = 60;

using Delivered = std::expected<void, std::string>;  // the error is logged and stored: never a body or code

// Signal flag: the mailer's only mutable global (DESIGN.md).
volatile sig_atomic_t mailer_stop_requested = 0;

extern "C" void mailer_on_stop(int) { mailer_stop_requested = 1; }

void mailer_install_signals() {
    struct sigaction sa {};
    sa.sa_handler = mailer_on_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a sleep or a blocked read wakes
    for (int s : {SIGTERM, SIGINT, SIGQUIT}) sigaction(s, &sa, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &dfl, nullptr);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, nullptr);
    sigaction(SIGHUP, &ign, nullptr);  // the master rolls its workers on HUP; the mailer has nothing to reload
    // The master forks with these blocked so that none sent since the fork runs its handler here;
    // they come in now, to the handlers above.
    sigset_t master_signals;
    sigemptyset(&master_signals);
    for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD}) sigaddset(&master_signals, s);
    sigprocmask(SIG_UNBLOCK, &master_signals, nullptr);
}

// Sleeps, unless a stop signal arrives first (nanosleep returns EINTR then).
void mailer_sleep(long milliseconds) {
    if (mailer_stop_requested) return;
    timespec pause{milliseconds / 1000, (milliseconds % 1000) * 1'000'000L};
    ::nanosleep(&pause, nullptr);
}

// ---- owners of C handles ----

struct GObjectUnref {
    void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
    void operator()(gpointer memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

struct FormatOptionsFree {
    void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};
struct DateTimeUnref {
    void operator()(GDateTime* date) const { g_date_time_unref(date); }
};
struct CurlCleanup {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlSlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;
using CurlList = std::unique_ptr<curl_slist, CurlSlistFree>;

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    bool close() {  // reports the error a plain destructor would swallow
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0;
    }

private:
    int fd_;
};

std::string errno_text() { return strerror(errno); }

// ---- files ----

// Writes dir/name so that a reader sees all of it or nothing: a hidden temp file in the same
// directory, fsync, rename, fsync of the directory.
Delivered write_file_atomically(const std::string& dir, const std::string& name, std::string_view bytes) {
    if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
        return std::unexpected("cannot create " + dir + ": " + errno_text());
    const std::string path = dir + "/" + name;
    const std::string temp = dir + "/." + name + ".tmp";
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (fd.get() < 0) return std::unexpected("cannot create " + temp + ": " + errno_text());
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string error = "cannot write " + temp + ": " + errno_text();
            ::unlink(temp.c_str());
            return std::unexpected(error);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || !fd.close() || ::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string error = "cannot write " + path + ": " + errno_text();
        ::unlink(temp.c_str());
        return std::unexpected(error);
    }
    FileDescriptor directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() >= 0) ::fsync(directory.get());
    return {};
}

// "1700000000-000000000042.eml": sorts by the time it was queued, then by outbox id. Named by the row
// alone, so a message delivered again (the mailer died between the rename and mark_sent) replaces its
// own file: one file per message, exactly once.
std::string file_name(std::int64_t queued, std::int64_t id, const char* extension) {
    char name[64];
    std::snprintf(name, sizeof name, "%010lld-%012lld.%s", static_cast<long long>(queued), static_cast<long long>(id),
                  extension);
    return name;
}

// ---- the RFC 5322 message ----

void gmime_ready() {
    static const bool ready = [] {
        g_mime_init();
        return true;
    }();
    (void)ready;
}

struct Email {
    std::string envelope_from;  // the bare address of GATEHOUSE_EMAIL_FROM
    std::string bytes;          // the whole message, CRLF line ends
};

// A single bare address: no display name, spaces, brackets or line breaks that could smuggle headers.
bool plain_address(std::string_view address) {
    const auto at = address.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || address.size() > 320) return false;
    if (address.find('@', at + 1) != std::string_view::npos) return false;
    for (unsigned char ch : address)
        if (ch <= 0x20 || ch == 0x7f || std::string_view("<>()[],;:\"\\").find(static_cast<char>(ch)) != std::string_view::npos)
            return false;
    return true;
}

std::string one_line(std::string_view text) {
    std::string out(text);
    for (char& ch : out)
        if (ch == '\r' || ch == '\n') ch = ' ';
    return out;
}

// Text with LF line ends (GMime writes them as CRLF).
std::string unix_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') continue;
            out += '\n';
        } else {
            out += text[i];
        }
    }
    return out;
}

// A text/<subtype> part in UTF-8; GMime picks 7bit for short ASCII lines, else quoted-printable or base64.
GObjectPtr<GMimeTextPart> text_part(const char* subtype, const std::string& text) {
    GObjectPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
    GObjectPtr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
    g_mime_part_set_content(GMIME_PART(part.get()), content.get());
    g_mime_object_set_content_type_parameter(GMIME_OBJECT(part.get()), "charset", "utf-8");
    return part;
}

// The same id on every try of one message, so a duplicate after a crash can be recognised.
std::string message_id(const core::Config& config, const store::OutboxMessage& m, std::string_view from_address) {
    const std::string key = config.secret_key.empty() ? std::string("gatehouse") : config.secret_key;
    const std::string digest =
        core::hex_encode(core::hmac_sha256(key, "message-id\n" + std::to_string(m.id) + "\n" + m.recipient + "\n" + m.subject))
            .substr(0, 20);
    return "gatehouse." + std::to_string(m.id) + "." + digest + "@" + std::string(from_address.substr(from_address.rfind('@') + 1));
}

std::expected<Email, std::string> compose_email(const core::Config& config, const store::OutboxMessage& m,
                                                std::int64_t now) {
    gmime_ready();
    if (!plain_address(m.recipient)) return std::unexpected("not a plain email address as recipient");

    GObjectPtr<InternetAddressList> from(internet_address_list_parse(nullptr, config.email_from.c_str()));
    if (!from || internet_address_list_length(from.get()) < 1 ||
        !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(from.get(), 0)))
        return std::unexpected("GATEHOUSE_EMAIL_FROM is not a mailbox");
    InternetAddress* sender = internet_address_list_get_address(from.get(), 0);
    internet_address_set_charset(sender, "utf-8");
    const std::string from_address = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(sender));
    if (!plain_address(from_address)) return std::unexpected("GATEHOUSE_EMAIL_FROM is not a plain address");

    GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
    internet_address_list_add(g_mime_message_get_from(message.get()), sender);
    g_mime_message_add_mailbox(message.get(), GMIME_ADDRESS_TYPE_TO, nullptr, m.recipient.c_str());
    g_mime_message_set_subject(message.get(), one_line(m.subject).c_str(), "utf-8");
    std::unique_ptr<GDateTime, DateTimeUnref> date(g_date_time_new_from_unix_utc(now));
    g_mime_message_set_date(message.get(), date.get());
    g_mime_message_set_message_id(message.get(), message_id(config, m, from_address).c_str());
    g_mime_object_set_header(GMIME_OBJECT(message.get()), "Auto-Submitted", "auto-generated", nullptr);

    auto text = text_part("plain", unix_lines(m.text_body));
    if (m.html_body.empty()) {
        g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(text.get()));
    } else {
        auto html = text_part("html", unix_lines(m.html_body));
        GObjectPtr<GMimeMultipart> alternative(g_mime_multipart_new_with_subtype("alternative"));
        g_mime_multipart_add(alternative.get(), GMIME_OBJECT(text.get()));  // the plainest part first (RFC 2046)
        g_mime_multipart_add(alternative.get(), GMIME_OBJECT(html.get()));
        g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(alternative.get()));
    }
    g_mime_object_encode(GMIME_OBJECT(message.get()), GMIME_ENCODING_CONSTRAINT_7BIT);

    std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> options(g_mime_format_options_new());
    g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
    GCharPtr bytes(g_mime_object_to_string(GMIME_OBJECT(message.get()), options.get()));
    if (!bytes) return std::unexpected("cannot serialise the message");
    return Email{from_address, std::string(bytes.get())};
}

// ---- libcurl ----

std::size_t curl_discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t curl_read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

Delivered curl_perform(CURL* curl, char (&error)[CURL_ERROR_SIZE]) {
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) return {};
    return std::unexpected(error[0] ? std::string(error) : std::string(curl_easy_strerror(rc)));
}

Delivered send_smtp(const core::Config& config, const Email& email, std::string_view recipient) {
    CurlHandle curl(curl_easy_init());
    if (!curl) return std::unexpected("curl_easy_init failed");
    const bool ipv6 = config.smtp_host.find(':') != std::string::npos && !config.smtp_host.starts_with("[");
    const std::string host = ipv6 ? "[" + config.smtp_host + "]" : config.smtp_host;
    const std::string url = (config.smtp_port == 465 ? "smtps://" : "smtp://") + host + ":" + std::to_string(config.smtp_port);
    const std::string mail_from = "<" + email.envelope_from + ">";
    CurlList recipients(curl_slist_append(nullptr, ("<" + std::string(recipient) + ">").c_str()));
    Upload upload{email.bytes};
    char error[CURL_ERROR_SIZE] = {};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, curl_read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(email.bytes.size()));
    if (!config.smtp_user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, config.smtp_user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, config.smtp_password.c_str());
    }
    if (config.smtp_starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeout);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, kTransferTimeout);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    if (auto sent = curl_perform(c, error); !sent) return std::unexpected("smtp: " + sent.error());
    return {};
}

std::string sms_json(const store::OutboxMessage& m) {
    const nlohmann::ordered_json body = {{"to", m.recipient}, {"text", m.text_body}};
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Delivered post_sms(const core::Config& config, const std::string& json) {
    CurlHandle curl(curl_easy_init());
    if (!curl) return std::unexpected("curl_easy_init failed");
    CurlList headers(curl_slist_append(nullptr, "Content-Type: application/json"));
    char error[CURL_ERROR_SIZE] = {};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, config.sms_url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "gatehouse-mailer");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_discard);  // the answer may echo the text: never kept
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeout);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, kTransferTimeout);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    if (auto sent = curl_perform(c, error); !sent) return std::unexpected("sms http: " + sent.error());
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) return std::unexpected("sms http: answered " + std::to_string(status));
    return {};
}

// ---- one message ----

Delivered deliver_email(const core::Config& config, const store::OutboxMessage& m, std::int64_t now) {
    auto email = compose_email(config, m, now);
    if (!email) return std::unexpected(email.error());
    if (config.email_backend == "smtp") return send_smtp(config, *email, m.recipient);
    return write_file_atomically(config.var_dir + "/mail", file_name(m.created_at, m.id, "eml"), email->bytes);
}

Delivered deliver_sms(const core::Config& config, const store::OutboxMessage& m) {
    if (m.recipient.empty() || m.recipient.find_first_of("\r\n") != std::string::npos)
        return std::unexpected("not a phone number as recipient");
    const std::string json = sms_json(m);
    if (config.sms_backend == "http") return post_sms(config, json);
    return write_file_atomically(config.var_dir + "/sms", file_name(m.created_at, m.id, "json"), json);
}

Delivered deliver(const core::Config& config, const store::OutboxMessage& m, std::int64_t now) {
    try {
        if (m.channel == "email") return deliver_email(config, m, now);
        if (m.channel == "sms") return deliver_sms(config, m);
        return std::unexpected("unknown channel");
    } catch (const std::exception& e) {
        return std::unexpected(std::string("delivery failed: ") + e.what());
    }
}

std::string backend_of(const core::Config& config, const store::OutboxMessage& m) {
    return m.channel == "email" ? config.email_backend : m.channel == "sms" ? config.sms_backend : "-";
}

}  // namespace

std::int64_t mailer_retry_delay(int attempts) {
    constexpr std::int64_t first = 5, most = 3600;
    if (attempts < 1) return first;
    if (attempts > 12) return most;  // 5 · 2^11 > 3600 already
    return std::min(first << (attempts - 1), most);
}

namespace {
// Longer than a delivery can take (SMTP and webhook timeouts are far shorter).
constexpr std::int64_t kDeliveryLeaseSeconds = 300;
}  // namespace

DeliveryCount deliver_due(const core::Config& config, store::Database& db, const core::Log& log, std::int64_t now,
                          int limit, const std::function<bool()>& stop_requested) {
    store::OutboxStore outbox(db);
    DeliveryCount count;
    for (const auto& m : outbox.due(now, limit)) {
        if (stop_requested && stop_requested()) break;
        // Every host runs a mailer on the one database: the message goes to the one that claims it.
        if (!outbox.claim(m.id, now, now + kDeliveryLeaseSeconds)) continue;
        const std::string what = "outbox " + std::to_string(m.id) + " (" + m.channel + " via " + backend_of(config, m) + ")";
        if (auto delivered = deliver(config, m, now)) {
            outbox.mark_sent(m.id, now);
            ++count.sent;
            log.info(what + " delivered");
        } else {
            const int attempts = m.attempts + 1;
            const std::int64_t delay = mailer_retry_delay(attempts);
            outbox.mark_failed(m.id, attempts, now + delay, delivered.error());
            ++count.failed;
            log.warning(what + " failed (attempt " + std::to_string(attempts) + ", next in " + std::to_string(delay) +
                        "s): " + one_line(delivered.error()));
        }
    }
    return count;
}

namespace {
// Housekeeping the mailer does between deliveries.
constexpr std::int64_t kSweepEverySeconds = 600;
}  // namespace

[[noreturn]] void mailer_main(const core::Config& config, const core::Log& log) {
    mailer_install_signals();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log.error("mailer cannot start: curl_global_init failed");
        _exit(1);
    }
    gmime_ready();
    {
        // mailer_init_child: this process's own connection.
        std::unique_ptr<store::Database> db;
        try {
            db = std::make_unique<store::Database>(config.database_url());
        } catch (const std::exception& e) {
            log.error(std::string("mailer cannot start: ") + e.what());
            _exit(1);
        }
        log.info("mailer " + std::to_string(getpid()) + " started: email via " + config.email_backend + ", sms via " +
                 config.sms_backend);
        const core::SystemClock clock;
        const auto stop = [] { return mailer_stop_requested != 0; };
        std::int64_t next_sweep = 0;
        while (!mailer_stop_requested) {
            try {
                if (clock.unix_seconds() >= next_sweep) {
                    next_sweep = clock.unix_seconds() + kSweepEverySeconds;
                    const auto swept = store::sweep_expired(*db, clock.unix_seconds(), accounts::kKeepSentMailSeconds,
                                                             accounts::kKeepLoginsSeconds);
                    const int email_changes =
                        store::EmailChangeStore(*db).sweep(clock.unix_seconds(), accounts::kEmailUndoSeconds);
                    if (swept.outbox + swept.blacklist + swept.logins + email_changes > 0)
                        log.info("swept " + std::to_string(swept.outbox) + " sent mails, " + std::to_string(swept.blacklist) +
                                 " expired blacklist entries, " + std::to_string(swept.logins) + " old logins, " +
                                 std::to_string(email_changes) + " spent email changes");
                }
                const auto count = deliver_due(config, *db, log, clock.unix_seconds(), kBatch, stop);
                if (count.sent + count.failed < kBatch) mailer_sleep(kPollMilliseconds);  // else more are waiting
            } catch (const std::exception& e) {
                log.error(std::string("mailer: ") + e.what());
                mailer_sleep(4 * kPollMilliseconds);
            }
        }
    }
    log.info("mailer " + std::to_string(getpid()) + " stopped");
    _exit(0);
}

}  // namespace gatehouse::server
