// Mails and SMS in the user's language (README: *Languages*), with the catalogues `make` builds: every
// mail rendered in Persian keeps none of its marked English sentences and is right to left; a code by
// SMS is in the user's language, a phone login's in its holder's or else the request's; what C++
// writes into a mail (the two-factor notices, the new device's name) is translated, blanks filled.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/mfa.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/totp.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace gatehouse;

namespace {

const std::string kRtl = "<html lang=\"fa\" dir=\"rtl\">";
const char* const kMails[] = {"verify",        "password_reset", "password_changed", "email_changed", "email_change",
                              "phone_changed", "mfa_changed",    "new_device",       "otp"};
const accounts::ClientInfo kAndroid{"192.0.2.10", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"};

// Every text marked {{_ … _}} in the mail and SMS templates, up to its first {{VARIABLE}}.
std::set<std::string> marked_english() {
    static const std::regex marker(R"(\{\{_ ([\s\S]*?) _\}\})");
    std::set<std::string> out;
    for (const char* dir : {"templates/email", "templates/sms"})
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            const std::string source = text.str();
            for (auto it = std::sregex_iterator(source.begin(), source.end(), marker); it != std::sregex_iterator(); ++it)
                if (const std::string english = (*it)[1].str().substr(0, (*it)[1].str().find("{{")); !english.empty())
                    out.insert(english);
        }
    return out;
}

// The account rules speaking Persian too (locale/, as `make` builds it).
struct InPersian : test::AccountsFixture {
    InPersian() : AccountsFixture(core::Translations("locale")) {}

    store::User persian_user(const std::string& email, std::optional<std::string> phone = std::nullopt, bool phone_verified = false) {
        auto user = make_user(email);
        user.phone = std::move(phone);
        user.phone_verified = phone_verified;
        store::UserStore users(db);
        users.update_profile(user);
        users.set_language(user.id, "fa");
        return reload(user.id);
    }
    std::string last_sms(const std::string& phone) {
        const auto sent = mails_to(phone);
        BOOST_REQUIRE(!sent.empty());
        BOOST_REQUIRE(sent.back().channel == "sms");
        return sent.back().text_body;
    }
    std::string phone_login_sms(const std::string& phone, const std::string& language) {
        const auto sent = accounts::send_phone_login_code(services, phone, language);
        BOOST_REQUIRE(sent.has_value());
        return last_sms(phone);
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(mail_languages, InPersian)

BOOST_AUTO_TEST_CASE(every_mail_in_persian_is_right_to_left_with_no_marked_english_left) {
    ctemplate::TemplateDictionary dict("mail");
    for (const char* name : {"SITE_URL", "VERIFY_URL", "RESET_URL", "CONFIRM_URL", "UNDO_URL"}) dict.SetValue(name, "https://gate.example/x/");
    for (const char* name : {"CODE", "NEW_EMAIL", "TITLE", "WHAT", "DEVICE", "IP", "TIME"}) dict.SetValue(name, "042917");
    {
        store::Transaction tx(db);
        accounts::Notifier notifier(templates, db);
        for (const char* name : kMails) notifier.email("reader@example.org", name, dict, services.now(), "fa");
        tx.commit();
    }
    const auto sent = mails_to("reader@example.org");
    BOOST_REQUIRE(sent.size() == std::size(kMails));
    const auto english = marked_english();
    BOOST_TEST(english.count("Hello,") == 1u);
    for (std::size_t i = 0; i < sent.size(); ++i) {
        BOOST_TEST_CONTEXT(kMails[i]) {
            BOOST_TEST(sent[i].text_body.starts_with("سلام،"));
            BOOST_TEST(sent[i].html_body.find(kRtl) != std::string::npos);
            BOOST_TEST(sent[i].html_body.find("<title>" + sent[i].subject + "</title>") != std::string::npos);
            for (const auto& sentence : english) {
                BOOST_TEST(sent[i].text_body.find(sentence) == std::string::npos, sentence);
                BOOST_TEST(sent[i].html_body.find(sentence) == std::string::npos, sentence);
                BOOST_TEST(sent[i].subject.find(sentence) == std::string::npos, sentence);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_code_by_sms_is_in_the_users_language) {
    const auto persian = persian_user("fa@example.org", "+447700900101");
    const auto to_persian = accounts::send_otp(services, persian, "sms");
    BOOST_REQUIRE(to_persian.has_value());
    BOOST_TEST(last_sms("+447700900101") == "کد Gatehouse شما:\n" + to_persian->code + "\nاین کد ۱۰ دقیقه اعتبار دارد.");

    auto english = make_user("en@example.org");
    english.phone = "+447700900102";
    store::UserStore(db).update_profile(english);
    const auto to_english = accounts::send_otp(services, reload(english.id), "sms");
    BOOST_REQUIRE(to_english.has_value());
    BOOST_TEST(last_sms("+447700900102") == "Your Gatehouse code is:\n" + to_english->code + "\nIt is valid for 10 minutes.");
}

BOOST_AUTO_TEST_CASE(a_phone_login_sms_is_in_its_holders_language_else_the_requests) {
    const std::string persian_login = "کد ورود Gatehouse شما:";
    BOOST_TEST(phone_login_sms("+447700900111", "fa").starts_with(persian_login + "\n"), "no account: the request's");
    BOOST_TEST(phone_login_sms("+447700900112", "en").starts_with("Your Gatehouse login code is:\n"));
    BOOST_TEST(phone_login_sms("+447700900113", "xx").starts_with("Your Gatehouse login code is:\n"), "not spoken: English");
    persian_user("holder@example.org", "+447700900114", true);
    BOOST_TEST(phone_login_sms("+447700900114", "en").starts_with(persian_login + "\n"), "a holder: its own");
    persian_user("unproven@example.org", "+447700900115", false);
    BOOST_TEST(phone_login_sms("+447700900115", "en").starts_with("Your Gatehouse login code is:\n"),
               "a number never proved is not the holder's to read");
}

BOOST_AUTO_TEST_CASE(two_factor_notices_are_translated_with_the_count_filled_in) {
    const auto user = persian_user("mfa@example.org");
    const auto setup = accounts::begin_totp(services, user);
    BOOST_REQUIRE(setup.has_value());
    const auto secret = accounts::base32_decode(setup->secret).value();
    const auto codes = accounts::confirm_totp(services, user, accounts::totp_code(secret, services.now()), client.ip);
    BOOST_REQUIRE(codes.has_value());
    auto on = mails_to("mfa@example.org").back();
    BOOST_TEST(on.subject == "احراز هویت دومرحله‌ای روشن شد");
    BOOST_TEST(on.text_body.find("احراز هویت دومرحله‌ای برای حساب شما روشن شد: از این پس ورود، کدی از برنامهٔ احراز هویت شما را هم می‌خواهد.") != std::string::npos, on.text_body);

    BOOST_TEST(accounts::check_second_factor(services, user, codes->at(0), "").value_or("") == "recovery code");
    const auto used = mails_to("mfa@example.org").back();
    BOOST_TEST(used.subject == "یک کد بازیابی به کار رفت");
    const std::string left = "برای ورود به حساب شما یک کد بازیابی به کار رفت؛ کدهای بازیابی باقی‌مانده: {left}. اگر این کار شما نبود، همین حالا گذرواژهٔ خود را تغییر دهید و کدهای بازیابی تازه بسازید.";
    BOOST_TEST(used.text_body.find(core::fill_blank(left, "{left}", "9")) != std::string::npos, used.text_body);
    BOOST_TEST(used.html_body.find(core::fill_blank(left, "{left}", "9")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_new_device_mail_names_the_device_in_persian) {
    persian_user("device@example.org");
    BOOST_REQUIRE(password_login("device@example.org", test::kGoodPassword).has_value());  // the first device: no mail
    BOOST_REQUIRE(password_login("device@example.org", test::kGoodPassword, kAndroid).has_value());
    const auto mail = mails_to("device@example.org").back();
    BOOST_TEST(mail.subject == "ورودی تازه به حساب شما");
    BOOST_TEST(mail.text_body.find("دستگاه: Chrome روی Android") != std::string::npos, mail.text_body);
    BOOST_TEST(mail.text_body.find("نشانی IP: 192.0.2.10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_device_is_named_in_the_catalogues_language) {
    const auto& fa = templates.translations().catalog("fa");
    const auto in_persian = [&](std::string_view user_agent) {
        return accounts::translated_device(fa, accounts::describe_device(user_agent));
    };
    BOOST_TEST(accounts::describe_device(kAndroid.user_agent) == "Chrome on Android");
    BOOST_TEST(in_persian(kAndroid.user_agent) == "Chrome روی Android");
    BOOST_TEST(in_persian("") == "دستگاه ناشناخته");
    BOOST_TEST(in_persian("python-requests/2.31") == "برنامهٔ پایتون");
    BOOST_TEST(in_persian("curl/8.5.0") == "curl");
    // The header's own text is never taken for a blank.
    BOOST_TEST(in_persian("{system}/1.0 (X11; Linux)") == "{system} روی Linux");
    BOOST_TEST(in_persian("{browser}/1.0 (X11; Linux)") == "{browser} روی Linux");
}

BOOST_AUTO_TEST_SUITE_END()
