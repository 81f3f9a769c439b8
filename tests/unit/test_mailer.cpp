// The mailer's delivery pass against a temp var dir: .eml and SMS files, SMTP and the SMS webhook
// against tiny local servers, and retries when a backend fails.
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/log.hpp"
#include "gatehouse/server/mailer.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/outbox.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

using namespace gatehouse;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kSubject = "Bestätigen Sie Ihre Adresse — ✓";
const std::string kText = "Grüße!\nIhr Code: 314159\nhttps://gate.example/accounts/verify/abc/\n";
const std::string kHtml = "<!doctype html>\n<p>Grüße! Ihr Code: <b>314159</b></p>\n";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string without_cr(std::string text) {
    std::erase(text, '\r');
    return text;
}

struct MailerFixture {
    test::TempDir dir;
    store::Database db{dir.database()};
    store::OutboxStore outbox{db};
    core::Config config = core::make_config({}, {});
    int log_fd;
    core::Log log;

    MailerFixture()
        : log_fd(::open(dir.file("mailer.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)), log(log_fd) {
        BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory("db/migrations"), "run the tests from the repository root");
        store::apply_migrations(db, store::read_migrations("db/migrations", db.engine()));
        config.var_dir = dir.path();
        if (db.engine() == store::Engine::Postgresql) config.database = dir.database();
        config.secret_key = "unit-test-secret";
    }
    ~MailerFixture() { ::close(log_fd); }

    std::int64_t enqueue(std::string_view channel, std::string_view recipient, std::string_view subject,
                         std::string_view text, std::string_view html) {
        store::Transaction tx(db);
        const auto id = outbox.enqueue(channel, recipient, subject, text, html, kNow);
        tx.commit();
        return id;
    }
    std::string log_text() const { return read_file(dir.file("mailer.log")); }
};

// A message read back with GMime: headers decoded, parts decoded to UTF-8.
struct ParsedMail {
    std::string subject, from, to, message_id;
    std::vector<std::pair<std::string, std::string>> parts;  // mime type, decoded text
};

ParsedMail parse_mail(const std::string& raw) {
    g_mime_init();
    ParsedMail out;
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
    BOOST_REQUIRE(message != nullptr);
    if (const char* s = g_mime_message_get_subject(message)) out.subject = s;
    if (const char* id = g_mime_message_get_message_id(message)) out.message_id = id;
    char* from = internet_address_list_to_string(g_mime_message_get_from(message), nullptr, FALSE);
    char* to = internet_address_list_to_string(g_mime_message_get_to(message), nullptr, FALSE);
    out.from = from ? from : "";
    out.to = to ? to : "";
    g_free(from);
    g_free(to);
    auto add_part = [&out](GMimeObject* part) {
        if (!GMIME_IS_TEXT_PART(part)) return;
        char* type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(part));
        char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
        out.parts.emplace_back(type, without_cr(text ? text : ""));
        g_free(type);
        g_free(text);
    };
    GMimeObject* body = g_mime_message_get_mime_part(message);
    if (GMIME_IS_MULTIPART(body)) {
        for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(body)); ++i)
            add_part(g_mime_multipart_get_part(GMIME_MULTIPART(body), i));
    } else {
        add_part(body);
    }
    g_object_unref(message);
    g_object_unref(parser);
    g_object_unref(stream);
    return out;
}

// A one-connection TCP server on 127.0.0.1 running `talk` on its own thread.
class LocalServer {
public:
    template <typename Talk>
    explicit LocalServer(Talk talk) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        BOOST_REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        BOOST_REQUIRE(::listen(listen_fd_, 1) == 0);
        socklen_t length = sizeof address;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this, talk] {
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) return;
            timeval timeout{5, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            talk(fd);
            ::close(fd);
        });
    }
    ~LocalServer() {
        ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept when nobody came
        thread_.join();
        ::close(listen_fd_);
    }
    int port() const { return port_; }

    static void send_text(int fd, std::string_view text) { [[maybe_unused]] auto n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL); }
    // Reads until `end` has arrived (or the peer stops); returns everything up to and including it.
    static std::string read_until(int fd, std::string& buffer, std::string_view end) {
        while (buffer.find(end) == std::string::npos) {
            char chunk[4096];
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return std::exchange(buffer, {});
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
        const auto at = buffer.find(end) + end.size();
        std::string out = buffer.substr(0, at);
        buffer.erase(0, at);
        return out;
    }

private:
    int listen_fd_ = -1;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(mailer, MailerFixture)

BOOST_AUTO_TEST_CASE(retry_delay_doubles_up_to_an_hour) {
    BOOST_TEST(server::mailer_retry_delay(1) == 5);
    BOOST_TEST(server::mailer_retry_delay(2) == 10);
    BOOST_TEST(server::mailer_retry_delay(3) == 20);
    BOOST_TEST(server::mailer_retry_delay(10) == 2560);
    BOOST_TEST(server::mailer_retry_delay(11) == 3600);
    BOOST_TEST(server::mailer_retry_delay(1000) == 3600);
}

BOOST_AUTO_TEST_CASE(email_from_setting) {
    BOOST_TEST(core::make_config({}, {}).email_from == "Gatehouse <noreply@localhost>");
    BOOST_TEST(core::make_config({}, {{"GATEHOUSE_EMAIL_FROM", "Accounts <accounts@example.org>"}}).email_from ==
               "Accounts <accounts@example.org>");
    for (const char* bad : {"", "nobody", "a@b\r\nBcc: eve@example.com"})
        BOOST_TEST_CONTEXT(bad) {
            BOOST_CHECK_THROW(core::make_config({{"GATEHOUSE_EMAIL_FROM", bad}}, {}), core::ConfigError);
        }
    BOOST_TEST(core::config_as_shell(core::make_config({}, {})).find("GATEHOUSE_EMAIL_FROM=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(non_ascii_sender_name_is_encoded) {
    config.email_from = "Café Gatehouse <noreply@example.org>";
    enqueue("email", "bob@example.com", "Hi", "text", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);
    const auto names = names_in(dir.file("mail"));
    BOOST_REQUIRE(names.size() == 1u);
    const std::string raw = read_file(dir.file("mail/") + names[0]);
    BOOST_TEST(raw.find("From: =?") != std::string::npos);
    BOOST_TEST(raw.find("@example.org>") != std::string::npos);
    BOOST_TEST(parse_mail(raw).from == "Café Gatehouse <noreply@example.org>");
}

// The mailer died between writing the file and marking the row sent: once its delivery lease (5
// minutes) is over, the next pass delivers the row again, and the file backend still holds exactly one
// file for it.
BOOST_AUTO_TEST_CASE(a_message_delivered_again_is_still_one_file) {
    const auto mail = enqueue("email", "carol@example.com", kSubject, kText, kHtml);
    const auto sms = enqueue("sms", "+14155552671", "", "Your code is 123456.", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 2);
    db.exec("UPDATE outbox SET sent_at = NULL");  // as if mark_sent never ran
    BOOST_TEST(server::deliver_due(config, db, log, kNow + 299).sent == 0, "still leased to the mailer that died");
    BOOST_TEST(server::deliver_due(config, db, log, kNow + 300).sent == 2);
    const auto mails = names_in(dir.file("mail"));
    const auto texts = names_in(dir.file("sms"));
    BOOST_REQUIRE(mails.size() == 1u);
    BOOST_REQUIRE(texts.size() == 1u);
    BOOST_TEST(mails[0].find(std::to_string(mail) + ".eml") != std::string::npos);
    BOOST_TEST(texts[0].find(std::to_string(sms) + ".json") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(email_to_file_is_a_complete_mime_message) {
    const auto id = enqueue("email", "bob@example.com", kSubject, kText, kHtml);
    const auto count = server::deliver_due(config, db, log, kNow);
    BOOST_TEST(count.sent == 1);
    BOOST_TEST(count.failed == 0);
    BOOST_TEST(outbox.due(kNow + 86400, 10).empty());

    char expected_name[64];
    std::snprintf(expected_name, sizeof expected_name, "%010lld-%012lld.eml", static_cast<long long>(kNow),
                  static_cast<long long>(id));
    const auto names = names_in(dir.file("mail"));
    BOOST_REQUIRE(names.size() == 1u);  // no temp file left behind
    BOOST_TEST(names[0] == expected_name);
    const std::string raw = read_file(dir.file("mail/") + names[0]);

    // Wire format: 7-bit, CRLF line ends, the headers a mail needs.
    BOOST_TEST(std::all_of(raw.begin(), raw.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; }));
    BOOST_TEST(raw.find("\r\n") != std::string::npos);
    BOOST_TEST(raw.find("\n\n") == std::string::npos);
    const std::string headers = raw.substr(0, raw.find("\r\n\r\n"));
    BOOST_TEST(headers.find("Date: Tue, 14 Nov 2023 22:13:20 +0000") != std::string::npos);
    BOOST_TEST(headers.find("From: Gatehouse <noreply@localhost>") != std::string::npos);
    BOOST_TEST(headers.find("To: bob@example.com") != std::string::npos);
    BOOST_TEST(headers.find("Subject: =?UTF-8?") != std::string::npos);  // RFC 2047
    BOOST_TEST(headers.find("Message-Id: <gatehouse." + std::to_string(id) + ".") != std::string::npos);
    BOOST_TEST(headers.find("MIME-Version: 1.0") != std::string::npos);
    BOOST_TEST(headers.find("Content-Type: multipart/alternative") != std::string::npos);
    BOOST_TEST(headers.find("Auto-Submitted: auto-generated") != std::string::npos);
    BOOST_TEST(raw.find("charset=utf-8") != std::string::npos);

    // Read back: everything decodes to what was enqueued.
    const ParsedMail mail = parse_mail(raw);
    BOOST_TEST(mail.subject == kSubject);
    BOOST_TEST(mail.to == "bob@example.com");
    BOOST_TEST(mail.from == "Gatehouse <noreply@localhost>");
    BOOST_REQUIRE(mail.parts.size() == 2u);
    BOOST_TEST(mail.parts[0].first == "text/plain");
    BOOST_TEST(mail.parts[0].second == kText);
    BOOST_TEST(mail.parts[1].first == "text/html");
    BOOST_TEST(mail.parts[1].second == kHtml);

    // The log names the message, never its content.
    const std::string logged = log_text();
    BOOST_TEST(logged.find("outbox " + std::to_string(id)) != std::string::npos);
    BOOST_TEST(logged.find("314159") == std::string::npos);
    BOOST_TEST(logged.find("bob@example.com") == std::string::npos);

    // Nothing is due any more: a second pass sends nothing.
    BOOST_TEST(server::deliver_due(config, db, log, kNow + 60).sent == 0);
    BOOST_TEST(names_in(dir.file("mail")).size() == 1u);
}

BOOST_AUTO_TEST_CASE(ascii_mail_stays_readable_and_newest_sorts_last) {
    const auto first = enqueue("email", "a@example.com", "Reset your password", "Code 111111\nhttps://gate.example/r/x/\n", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);
    const auto second = enqueue("email", "a@example.com", "Reset your password", "Code 222222\n", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);  // the same second: the id orders them
    const auto names = names_in(dir.file("mail"));
    BOOST_REQUIRE(names.size() == 2u);
    BOOST_TEST(names[0].find(std::to_string(first) + ".eml") != std::string::npos);
    BOOST_TEST(names[1].find(std::to_string(second) + ".eml") != std::string::npos);
    const std::string raw = read_file(dir.file("mail/") + names[0]);
    // A plain-ASCII body goes 7bit: a test can find a code or link in the raw file.
    BOOST_TEST(raw.find("Code 111111\r\nhttps://gate.example/r/x/\r\n") != std::string::npos);
    BOOST_TEST(raw.find("Content-Type: text/plain; charset=utf-8") != std::string::npos);
    BOOST_TEST(parse_mail(raw).parts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(header_injection_is_refused) {
    enqueue("email", "bob@example.com\r\nBcc: eve@example.com", "Hi", "text", "");
    const auto count = server::deliver_due(config, db, log, kNow);
    BOOST_TEST(count.sent == 0);
    BOOST_TEST(count.failed == 1);
    BOOST_TEST(names_in(dir.file("mail")).empty());
}

BOOST_AUTO_TEST_CASE(sms_to_file_is_json) {
    const auto id = enqueue("sms", "+41791234567", "", "Ihr Gatehouse-Code: 271828", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);
    const auto names = names_in(dir.file("sms"));
    BOOST_REQUIRE(names.size() == 1u);
    BOOST_TEST(names[0].ends_with("-" + std::string(12 - std::to_string(id).size(), '0') + std::to_string(id) + ".json"));
    const std::string text = read_file(dir.file("sms/") + names[0]);
    BOOST_TEST(text.starts_with("{\"to\":\"+41791234567\","));
    const auto json = nlohmann::json::parse(text);
    BOOST_TEST(json.size() == 2u);
    BOOST_TEST(json.at("to").get<std::string>() == "+41791234567");
    BOOST_TEST(json.at("text").get<std::string>() == "Ihr Gatehouse-Code: 271828");
    BOOST_TEST(log_text().find("271828") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(failing_sms_webhook_is_retried_later) {
    config.sms_backend = "http";
    config.sms_url = "http://127.0.0.1:9/";  // discard port: nobody listens
    const auto id = enqueue("sms", "+41791234567", "", "Code 161803", "");
    const auto count = server::deliver_due(config, db, log, kNow);
    BOOST_TEST(count.sent == 0);
    BOOST_TEST(count.failed == 1);
    BOOST_TEST(outbox.due(kNow, 10).empty());
    BOOST_TEST(outbox.due(kNow + 4, 10).empty());
    const auto again = outbox.due(kNow + 5, 10);
    BOOST_REQUIRE(again.size() == 1u);
    BOOST_TEST(again[0].id == id);
    BOOST_TEST(again[0].attempts == 1);
    BOOST_TEST(again[0].text_body == "Code 161803");  // kept until it is delivered

    // The second failure waits twice as long.
    BOOST_TEST(server::deliver_due(config, db, log, kNow + 5).failed == 1);
    BOOST_TEST(outbox.due(kNow + 14, 10).empty());
    BOOST_TEST(outbox.due(kNow + 15, 10).at(0).attempts == 2);

    const std::string logged = log_text();
    BOOST_TEST(logged.find("outbox " + std::to_string(id)) != std::string::npos);
    BOOST_TEST(logged.find("attempt 1") != std::string::npos);
    BOOST_TEST(logged.find("161803") == std::string::npos);
    BOOST_TEST(names_in(dir.file("sms")).empty());
}

BOOST_AUTO_TEST_CASE(sms_webhook_gets_the_json) {
    std::string request;
    int status = 204;
    {
        LocalServer server([&request, &status](int fd) {
            std::string buffer;
            request = LocalServer::read_until(fd, buffer, "\r\n\r\n");
            const auto at = request.find("Content-Length: ");
            const std::size_t length = at == std::string::npos ? 0 : std::stoul(request.substr(at + 16));
            while (buffer.size() < length) {
                char chunk[1024];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) break;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            request += buffer;
            LocalServer::send_text(fd, "HTTP/1.1 " + std::to_string(status) + " No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        });
        config.sms_backend = "http";
        config.sms_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/hook?key=k";
        enqueue("sms", "+41791234567", "", "Code \"1\" ✓", "");
        BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);
    }
    BOOST_TEST(request.starts_with("POST /hook?key=k HTTP/1.1\r\n"));
    BOOST_TEST(request.find("Content-Type: application/json\r\n") != std::string::npos);
    const auto json = nlohmann::json::parse(request.substr(request.find("\r\n\r\n") + 4));
    BOOST_TEST(json.at("to").get<std::string>() == "+41791234567");
    BOOST_TEST(json.at("text").get<std::string>() == "Code \"1\" ✓");
    BOOST_TEST(outbox.due(kNow + 86400, 10).empty());
}

BOOST_AUTO_TEST_CASE(sms_webhook_error_status_is_a_failure) {
    {
        LocalServer server([](int fd) {
            std::string buffer;
            LocalServer::read_until(fd, buffer, "\r\n\r\n");
            LocalServer::send_text(fd, "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        });
        config.sms_backend = "http";
        config.sms_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
        enqueue("sms", "+41791234567", "", "Code 1", "");
        BOOST_TEST(server::deliver_due(config, db, log, kNow).failed == 1);
    }
    BOOST_TEST(outbox.due(kNow + 5, 10).size() == 1u);
    BOOST_TEST(log_text().find("answered 500") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(smtp_sends_the_same_message) {
    std::vector<std::string> commands;
    std::string data;
    {
        LocalServer server([&commands, &data](int fd) {
            std::string buffer;
            LocalServer::send_text(fd, "220 fake ESMTP\r\n");
            while (true) {
                const std::string line = LocalServer::read_until(fd, buffer, "\r\n");
                if (line.empty()) return;
                commands.push_back(line.substr(0, line.size() - 2));
                const std::string verb = line.substr(0, 4);
                if (verb == "EHLO" || verb == "HELO") {
                    LocalServer::send_text(fd, "250-fake\r\n250 8BITMIME\r\n");
                } else if (verb == "DATA") {
                    LocalServer::send_text(fd, "354 go on\r\n");
                    data = LocalServer::read_until(fd, buffer, "\r\n.\r\n");
                    LocalServer::send_text(fd, "250 queued\r\n");
                } else if (verb == "QUIT") {
                    LocalServer::send_text(fd, "221 bye\r\n");
                    return;
                } else {
                    LocalServer::send_text(fd, "250 ok\r\n");
                }
            }
        });
        config.email_backend = "smtp";
        config.smtp_host = "127.0.0.1";
        config.smtp_port = server.port();
        enqueue("email", "bob@example.com", kSubject, ".leading dot\n" + kText, kHtml);
        BOOST_TEST(server::deliver_due(config, db, log, kNow).sent == 1);
    }
    BOOST_TEST(std::count(commands.begin(), commands.end(), "MAIL FROM:<noreply@localhost>") == 1);
    BOOST_TEST(std::count(commands.begin(), commands.end(), "RCPT TO:<bob@example.com>") == 1);
    BOOST_REQUIRE(data.ends_with("\r\n.\r\n"));
    std::string message = data.substr(0, data.size() - 3);
    // Undo the SMTP dot-stuffing, then it is the same MIME message as the file backend writes.
    for (std::size_t at = 0; (at = message.find("\r\n..", at)) != std::string::npos; at += 3) message.erase(at + 2, 1);
    const ParsedMail mail = parse_mail(message);
    BOOST_TEST(mail.subject == kSubject);
    BOOST_TEST(mail.to == "bob@example.com");
    BOOST_REQUIRE(mail.parts.size() == 2u);
    BOOST_TEST(mail.parts[0].second == ".leading dot\n" + kText);
    BOOST_TEST(mail.parts[1].second == kHtml);
    BOOST_TEST(names_in(dir.file("mail")).empty());
}

BOOST_AUTO_TEST_CASE(unreachable_smtp_is_retried) {
    config.email_backend = "smtp";
    config.smtp_host = "127.0.0.1";
    config.smtp_port = 9;
    enqueue("email", "bob@example.com", "Hi", "Code 999999", "");
    BOOST_TEST(server::deliver_due(config, db, log, kNow).failed == 1);
    BOOST_TEST(outbox.due(kNow + 5, 10).at(0).attempts == 1);
    BOOST_TEST(log_text().find("999999") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(stop_request_is_honoured_between_messages) {
    enqueue("sms", "+41791234567", "", "one", "");
    enqueue("sms", "+41791234568", "", "two", "");
    int asked = 0;
    const auto count = server::deliver_due(config, db, log, kNow, 50, [&asked] { return ++asked > 1; });
    BOOST_TEST(count.sent == 1);
    BOOST_TEST(outbox.due(kNow, 10).size() == 1u);
}

// Every host runs a mailer on the one database (README: More than one machine): each message goes out
// once, from whichever mailer claims it first.
BOOST_AUTO_TEST_CASE(two_mailers_on_one_database_deliver_each_message_once) {
    constexpr int kMessages = 40;
    for (int i = 0; i < kMessages; ++i) enqueue("email", "m" + std::to_string(i) + "@example.com", kSubject, kText, kHtml);
    std::atomic<int> sent{0}, ready{0};
    std::vector<std::thread> mailers;
    for (int m = 0; m < 2; ++m)
        mailers.emplace_back([&] {
            store::Database own(dir.database());  // another host's mailer: its own connection
            ++ready;
            while (ready < 2) std::this_thread::yield();
            sent += server::deliver_due(config, own, log, kNow, kMessages).sent;
        });
    for (auto& t : mailers) t.join();
    BOOST_TEST(sent == kMessages);
    BOOST_TEST(names_in(dir.file("mail")).size() == static_cast<std::size_t>(kMessages));
    BOOST_TEST(outbox.due(kNow + 3600, kMessages).empty());
}

BOOST_AUTO_TEST_SUITE_END()
