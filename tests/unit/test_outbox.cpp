// The outbox table and the Notifier that fills it: a message commits with its transaction or not at all.
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/outbox.hpp"
#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <ctemplate/template.h>

#include <filesystem>

using namespace gatehouse;
using store::OutboxStore;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;

struct OutboxDatabase {
    test::TempDir dir;
    store::Database db{dir.database()};
    OutboxStore outbox{db};

    OutboxDatabase() {
        BOOST_REQUIRE_MESSAGE(std::filesystem::is_directory("db/migrations"), "run the tests from the repository root");
        store::apply_migrations(db, store::read_migrations("db/migrations", db.engine()));
    }

    std::int64_t enqueue_committed(std::string_view channel, std::string_view recipient, std::int64_t now = kNow) {
        store::Transaction tx(db);
        const auto id = outbox.enqueue(channel, recipient, "Subject", "text", "<p>html</p>", now);
        tx.commit();
        return id;
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(outbox, OutboxDatabase)

BOOST_AUTO_TEST_CASE(rolled_back_enqueue_leaves_nothing) {
    {
        store::Transaction tx(db);
        outbox.enqueue("email", "a@example.com", "Subject", "text", "", kNow);
        BOOST_TEST(outbox.due(kNow, 10).size() == 1u);  // visible inside its own transaction
    }  // no commit: rolled back
    BOOST_TEST(outbox.due(kNow, 10).empty());
    BOOST_TEST(outbox.due(kNow + 86400, 10).empty());
}

// /metrics' backlog: unsent messages (a failed one waiting for its retry too), the oldest's time.
BOOST_AUTO_TEST_CASE(backlog_counts_the_unsent_and_names_the_oldest) {
    BOOST_TEST(outbox.backlog().pending == 0);
    BOOST_TEST(!outbox.backlog().oldest_created.has_value());
    const auto first = enqueue_committed("email", "a@example.com", kNow - 300);
    const auto second = enqueue_committed("sms", "+14155552671", kNow - 200);
    enqueue_committed("email", "c@example.com", kNow - 100);
    outbox.mark_sent(first, kNow);
    outbox.mark_failed(second, 1, kNow + 60, "smtp down");
    const auto backlog = outbox.backlog();
    BOOST_TEST(backlog.pending == 2);
    BOOST_TEST(backlog.oldest_created.value_or(0) == kNow - 200);
}

BOOST_AUTO_TEST_CASE(committed_enqueue_is_due_at_once) {
    store::Transaction tx(db);
    const auto id = outbox.enqueue("email", "a@example.com", "Grüße", "text body", "<p>html</p>", kNow);
    tx.commit();
    BOOST_TEST(outbox.due(kNow - 1, 10).empty());
    const auto due = outbox.due(kNow, 10);
    BOOST_REQUIRE(due.size() == 1u);
    BOOST_TEST(due[0].id == id);
    BOOST_TEST(due[0].channel == "email");
    BOOST_TEST(due[0].recipient == "a@example.com");
    BOOST_TEST(due[0].subject == "Grüße");
    BOOST_TEST(due[0].text_body == "text body");
    BOOST_TEST(due[0].html_body == "<p>html</p>");
    BOOST_TEST(due[0].attempts == 0);
}

BOOST_AUTO_TEST_CASE(sent_is_never_due_again) {
    const auto id = enqueue_committed("sms", "+41791234567");
    outbox.mark_sent(id, kNow + 1);
    BOOST_TEST(outbox.due(kNow + 1'000'000, 10).empty());
    // A late failure report cannot bring it back.
    outbox.mark_failed(id, 1, kNow + 5, "late");
    BOOST_TEST(outbox.due(kNow + 1'000'000, 10).empty());
}

BOOST_AUTO_TEST_CASE(failed_is_due_again_only_at_retry_time) {
    const auto id = enqueue_committed("email", "a@example.com");
    outbox.mark_failed(id, 1, kNow + 5, "connection refused");
    BOOST_TEST(outbox.due(kNow, 10).empty());
    BOOST_TEST(outbox.due(kNow + 4, 10).empty());
    const auto due = outbox.due(kNow + 5, 10);
    BOOST_REQUIRE(due.size() == 1u);
    BOOST_TEST(due[0].attempts == 1);
    outbox.mark_failed(id, 2, kNow + 15, "again");
    BOOST_TEST(outbox.due(kNow + 14, 10).empty());
    BOOST_TEST(outbox.due(kNow + 15, 10).at(0).attempts == 2);
}

BOOST_AUTO_TEST_CASE(due_is_in_order_and_limited) {
    const auto late = enqueue_committed("email", "late@example.com", kNow + 10);
    const auto first = enqueue_committed("email", "first@example.com", kNow);
    const auto second = enqueue_committed("sms", "+41791234567", kNow);
    const auto two = outbox.due(kNow + 10, 2);
    BOOST_REQUIRE(two.size() == 2u);
    BOOST_TEST(two[0].id == first);
    BOOST_TEST(two[1].id == second);
    BOOST_TEST(outbox.due(kNow + 10, 10).back().id == late);
}

BOOST_AUTO_TEST_CASE(unknown_channel_is_refused) {
    store::Transaction tx(db);
    BOOST_CHECK_THROW(outbox.enqueue("pigeon", "a@example.com", "", "text", "", kNow), store::ConstraintError);
}

BOOST_AUTO_TEST_CASE(notifier_renders_the_mail_templates) {
    BOOST_REQUIRE(std::filesystem::is_directory("templates/email"));
    const core::Templates templates("templates");
    accounts::Notifier notifier(templates, db);
    ctemplate::TemplateDictionary dict("mail");
    dict.SetValue("SITE_URL", "https://gate.example");
    dict.SetValue("VERIFY_URL", "https://gate.example/accounts/verify/t0k3n/?a=1&b=2");
    dict.SetValue("RESET_URL", "https://gate.example/accounts/password/reset/r3s3t/");
    dict.SetValue("CODE", "042917");
    {
        store::Transaction tx(db);
        for (const char* name : {"verify", "password_reset", "password_changed", "email_changed", "phone_changed", "otp"})
            notifier.email("user@example.com", name, dict, kNow, "en");
        notifier.sms("+41791234567", "otp", dict, kNow, "en");
        tx.commit();
    }
    const auto due = outbox.due(kNow, 100);
    BOOST_REQUIRE(due.size() == 7u);
    for (std::size_t i = 0; i < 6; ++i) {
        BOOST_TEST_CONTEXT(due[i].subject) {
            BOOST_TEST(due[i].channel == "email");
            BOOST_TEST(!due[i].subject.empty());
            BOOST_TEST(due[i].subject.find('\n') == std::string::npos);  // the template's newline is gone
            BOOST_TEST(due[i].text_body.find("https://gate.example") != std::string::npos);
            BOOST_TEST(due[i].text_body.find("{{") == std::string::npos);
            BOOST_TEST(due[i].html_body.starts_with("<!doctype html>"));  // the pragma renders to nothing
            // The shared frame (email/layout.html) around the mail's own content, once.
            BOOST_TEST(due[i].html_body.find("<!doctype", 1) == std::string::npos);
            BOOST_TEST(due[i].html_body.find("<title>" + due[i].subject + "</title>") != std::string::npos);
            BOOST_TEST(due[i].html_body.find("Hello,") != std::string::npos);
            BOOST_TEST(due[i].html_body.ends_with("</html>\n"));
            BOOST_TEST(due[i].html_body.find("https://gate.example") != std::string::npos);
            BOOST_TEST(due[i].html_body.find("src=") == std::string::npos);  // no external resources
        }
    }
    const auto& verify = due[0];
    BOOST_TEST(verify.subject == "Confirm your email address");
    BOOST_TEST(verify.text_body.find("042917") != std::string::npos);
    BOOST_TEST(verify.text_body.find("https://gate.example/accounts/verify/t0k3n/?a=1&b=2") != std::string::npos);  // text: not escaped
    BOOST_TEST(verify.text_body.find("10 minutes") != std::string::npos);
    BOOST_TEST(verify.html_body.find("042917") != std::string::npos);
    BOOST_TEST(verify.html_body.find("href=\"https://gate.example/accounts/verify/t0k3n/?a=1&amp;b=2\"") != std::string::npos);
    const auto& reset = due[1];
    BOOST_TEST(reset.text_body.find("https://gate.example/accounts/password/reset/r3s3t/") != std::string::npos);
    BOOST_TEST(reset.text_body.find("042917") != std::string::npos);
    BOOST_TEST(reset.text_body.find("1 hour") != std::string::npos);
    BOOST_TEST(due[6].channel == "sms");
    BOOST_TEST(due[6].recipient == "+41791234567");
    BOOST_TEST(due[6].text_body == "Your Gatehouse code is:\n042917\nIt is valid for 10 minutes.");  // no trailing newline
}

BOOST_AUTO_TEST_CASE(notifier_html_escapes_values) {
    const core::Templates templates("templates");
    accounts::Notifier notifier(templates, db);
    ctemplate::TemplateDictionary dict("mail");
    dict.SetValue("SITE_URL", "https://gate.example");
    dict.SetValue("CODE", "<b>1</b>");
    {
        store::Transaction tx(db);
        notifier.email("user@example.com", "otp", dict, kNow, "en");
        tx.commit();
    }
    const auto due = outbox.due(kNow, 1);
    BOOST_REQUIRE(due.size() == 1u);
    BOOST_TEST(due[0].html_body.find("&lt;b&gt;1&lt;/b&gt;") != std::string::npos);
    BOOST_TEST(due[0].text_body.find("<b>1</b>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
