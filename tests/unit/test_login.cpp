// Logging in (accounts/login.hpp) against a real memcached, a migrated SQLite database and a
// ManualClock: a refused credential writes nothing (no login row, no audit row, no last_login, no
// rehash); a good one writes, in one go, exactly one login row of its kind, one "login" audit row,
// last_login and an upgraded hash, and hands out what its kind needs (a session, a JWT pair, a token).
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/login.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/sessions.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::LoginKind;
using test::outcome_of;

namespace {

constexpr const char* kPhone = "+14155552671";
constexpr LoginKind kKinds[] = {LoginKind::Session, LoginKind::Jwt, LoginKind::Token};

const char* kind_name(LoginKind kind) {
    switch (kind) {
        case LoginKind::Session: return "session";
        case LoginKind::Jwt: return "jwt";
        case LoginKind::Token: return "token";
    }
    return "?";
}

std::string other_code(const std::string& code) {
    std::string wrong = code;
    wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
    return wrong;
}

struct LogIn : test::AccountsFixture {
    std::expected<accounts::LoggedIn, accounts::Refusal> by_password(const std::string& email, const std::string& password,
                                                                     LoginKind kind, const std::string& replaces = {}) {
        return accounts::log_in(services, {accounts::PasswordCredential{email, password}, kind, false, replaces, client, {}});
    }
    std::expected<accounts::LoggedIn, accounts::Refusal> by_phone(const std::string& phone, const std::string& code,
                                                                  LoginKind kind) {
        return accounts::log_in(services, {accounts::PhoneCodeCredential{phone, code}, kind, false, {}, client, {}});
    }
    // A user whose hash the hasher wants to upgrade (pbkdf2, as before the move to argon2).
    store::User legacy_user(const std::string& email, bool verified = true) {
        const accounts::PasswordHasher old_hasher({.algorithm = "pbkdf2_sha256", .pbkdf2_iterations = 1000});
        store::User u;
        u.email = email;
        u.password_hash = old_hasher.hash(test::kGoodPassword);
        u.is_verified = verified;
        u.date_joined = core::iso8601_utc(services.now());
        u.id = store::UserStore(db).insert(u);
        BOOST_REQUIRE(services.hasher.needs_rehash(u.password_hash));
        return u;
    }
    std::int64_t count(const std::string& sql) {
        auto q = db.query(sql);
        BOOST_REQUIRE(q.step());
        return q.row().column_int(0);
    }
    std::int64_t count(const std::string& sql, std::int64_t id) {
        auto q = db.query(sql);
        q.bind(1, id);
        BOOST_REQUIRE(q.step());
        return q.row().column_int(0);
    }
    std::int64_t login_rows() { return count("SELECT count(*) FROM logins"); }
    std::int64_t audit_rows() { return count("SELECT count(*) FROM audit_log"); }
    // Nothing written for this user by a refused login: no login row, no audit row, no last_login,
    // the same password hash.
    void nothing_written_for(const store::User& before) {
        BOOST_TEST(login_rows() == 0);
        BOOST_TEST(audit_rows() == 0);
        const auto now = reload(before.id);
        BOOST_TEST(!now.last_login.has_value());
        BOOST_TEST(now.password_hash == before.password_hash);
    }
    // What one good login of `kind` for `user` leaves: exactly one more login row, of that kind, and
    // exactly one more audit row, "login" by the user on the user; last_login is now.
    void one_login_written(const accounts::LoggedIn& in, LoginKind kind, std::int64_t rows_before,
                           std::int64_t audit_before) {
        const auto id = in.user.id;
        BOOST_TEST(login_rows() == rows_before + 1);
        auto q = db.query("SELECT kind, user_id FROM logins ORDER BY id DESC LIMIT 1");
        BOOST_REQUIRE(q.step());
        BOOST_TEST(q.row().column_text(0) == kind_name(kind));
        BOOST_TEST(q.row().column_int(1) == id);
        BOOST_TEST(audit_rows() == audit_before + 1);
        auto a = db.query("SELECT action, actor_id, target_id, at FROM audit_log ORDER BY id DESC LIMIT 1");
        BOOST_REQUIRE(a.step());
        BOOST_TEST(a.row().column_text(0) == "login");
        BOOST_TEST(a.row().column_int(1) == id);
        BOOST_TEST(a.row().column_int(2) == id);
        BOOST_TEST(a.row().column_int(3) == services.now());
        const std::string now = core::iso8601_utc(services.now());
        BOOST_TEST(in.user.last_login.value_or("") == now);
        BOOST_TEST(reload(id).last_login.value_or("") == now);
    }
};

}  // namespace

// --- refused: nothing written --------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(log_in_refused, LogIn)

BOOST_AUTO_TEST_CASE(a_wrong_password_writes_nothing) {
    const auto alice = legacy_user("alice@example.org");
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            BOOST_TEST(outcome_of(by_password("alice@example.org", test::kOtherPassword, kind)) == "BadCredentials");
            nothing_written_for(alice);
        }
}

BOOST_AUTO_TEST_CASE(an_unknown_email_writes_nothing) {
    const auto alice = legacy_user("alice@example.org");
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            BOOST_TEST(outcome_of(by_password("nobody@example.org", test::kGoodPassword, kind)) == "BadCredentials");
            nothing_written_for(alice);
        }
    BOOST_TEST(store::UserStore(db).count() == 1);
}

BOOST_AUTO_TEST_CASE(an_unverified_user_writes_nothing_not_even_the_rehash) {
    const auto bob = legacy_user("bob@example.org", /*verified=*/false);
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            const auto r = by_password("bob@example.org", test::kGoodPassword, kind);
            BOOST_TEST(outcome_of(r) == "Unverified");
            BOOST_REQUIRE(!r.has_value());
            BOOST_TEST(r.error().user_id == bob.id);
            nothing_written_for(bob);
        }
}

BOOST_AUTO_TEST_CASE(a_throttled_login_writes_nothing_even_with_the_right_password) {
    const auto alice = legacy_user("alice@example.org");
    for (int i = 0; i < 5; ++i)
        BOOST_TEST(outcome_of(by_password("alice@example.org", test::kOtherPassword, LoginKind::Session)) ==
                   "BadCredentials");
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            const auto r = by_password("alice@example.org", test::kGoodPassword, kind);
            BOOST_TEST(outcome_of(r) == "Throttled");
            BOOST_REQUIRE(!r.has_value());
            BOOST_TEST(r.error().retry_after > 0);
            nothing_written_for(alice);
        }
}

BOOST_AUTO_TEST_CASE(failed_logins_count_per_account_whatever_case_or_form_the_email_was_typed_in) {
    // The lookup folds the typed email as its uniqueness key (NFKC_Casefold): so does the limit, or
    // an attacker would get 5 more guesses from each spelling that reaches the same account.
    const auto alice = legacy_user("\u00e4lice@example.org");  // älice, NFC
    const std::string typed[] = {"\u00c4LICE@EXAMPLE.ORG", "a\u0308lice@example.org", " \u00e4lice@Example.org ",
                                 "\u00c4lice@example.ORG", "A\u0308LICE@example.org"};
    for (const auto& email : typed)
        BOOST_TEST(outcome_of(by_password(email, test::kOtherPassword, LoginKind::Session)) == "BadCredentials", email);
    BOOST_TEST(outcome_of(by_password("\u00e4lice@example.org", test::kGoodPassword, LoginKind::Session)) == "Throttled");
    nothing_written_for(alice);
}

BOOST_AUTO_TEST_CASE(a_wrong_phone_code_writes_nothing) {
    // An existing holder of the number, and a number nobody has (whose good code would create a user).
    store::User holder;
    holder.phone = kPhone;
    holder.phone_verified = true;
    holder.is_verified = true;
    holder.password_hash = "!";
    holder.date_joined = core::iso8601_utc(services.now());
    holder.id = store::UserStore(db).insert(holder);
    store::UserStore(db).set_phone_verified(holder.id);
    const auto users_before = store::UserStore(db).count();
    for (const std::string phone : {kPhone, "+442079460958"}) {
        auto sent = accounts::send_phone_login_code(services, phone, "en");
        BOOST_REQUIRE(sent.has_value());
        for (const auto kind : kKinds)
            BOOST_TEST_CONTEXT(phone << " " << kind_name(kind)) {
                BOOST_TEST(outcome_of(by_phone(phone, other_code(sent->code), kind)) == "CodeInvalid");
                nothing_written_for(holder);
                BOOST_TEST(store::UserStore(db).count() == users_before);
            }
        BOOST_TEST(outcome_of(by_phone("12345", sent->code, LoginKind::Jwt)) == "BadPhoneNumber");
        nothing_written_for(holder);
        BOOST_TEST(store::UserStore(db).count() == users_before);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// --- a good credential ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(log_in_ok, LogIn)

BOOST_AUTO_TEST_CASE(a_password_login_writes_one_login_of_its_kind_one_audit_row_and_last_login) {
    const auto alice = make_user("alice@example.org");
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            clock.advance(30s);
            const auto rows = login_rows(), audits = audit_rows();
            const auto r = by_password("alice@example.org", test::kGoodPassword, kind);
            BOOST_REQUIRE(r.has_value());
            BOOST_TEST(r->user.id == alice.id);
            one_login_written(*r, kind, rows, audits);
            // What the kind hands out, and only that.
            BOOST_TEST(r->session_id.empty() == (kind != LoginKind::Session));
            BOOST_TEST(r->csrf_secret.empty() == (kind != LoginKind::Session));
            BOOST_TEST(r->tokens.access.empty() == (kind != LoginKind::Jwt));
            BOOST_TEST(r->tokens.refresh.empty() == (kind != LoginKind::Jwt));
            BOOST_TEST(r->api_token.empty() == (kind != LoginKind::Token));
            if (kind == LoginKind::Token) BOOST_TEST(r->api_token.size() == 40u);
        }
    BOOST_TEST(accounts::live_logins(services, alice.id).size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_phone_code_login_writes_one_login_one_audit_row_and_last_login) {
    for (const auto kind : kKinds)
        BOOST_TEST_CONTEXT(kind_name(kind)) {
            clock.advance(60s);
            auto sent = accounts::send_phone_login_code(services, kPhone, "en");
            BOOST_REQUIRE(sent.has_value());
            const auto rows = login_rows(), audits = audit_rows();
            const auto r = by_phone(kPhone, sent->code, kind);
            BOOST_REQUIRE(r.has_value());
            BOOST_TEST(r->user.id > 0);
            BOOST_TEST(r->user.phone.value_or("") == kPhone);
            one_login_written(*r, kind, rows, audits);
        }
    BOOST_TEST(store::UserStore(db).count() == 1);  // the first code made the user; the others found it
}

BOOST_AUTO_TEST_CASE(a_session_login_gives_a_live_session_and_a_new_csrf_secret_each_time) {
    const auto alice = make_user("alice@example.org");
    const auto first = by_password("alice@example.org", test::kGoodPassword, LoginKind::Session);
    const auto second = by_password("alice@example.org", test::kGoodPassword, LoginKind::Session);
    BOOST_REQUIRE(first.has_value());
    BOOST_REQUIRE(second.has_value());
    for (const auto* in : {&*first, &*second}) {
        const auto session = accounts::resume_session(services, in->session_id, client);
        BOOST_REQUIRE(session.has_value());
        BOOST_TEST(session->user.id == alice.id);
        BOOST_TEST(in->csrf_secret.size() == 32u);
        BOOST_TEST(std::all_of(in->csrf_secret.begin(), in->csrf_secret.end(),
                               [](unsigned char c) { return std::isalnum(c) != 0; }));
    }
    BOOST_TEST(first->session_id != second->session_id);
    BOOST_TEST(first->csrf_secret != second->csrf_secret);
    BOOST_TEST(login_rows() == 2);
}

BOOST_AUTO_TEST_CASE(replaces_session_ends_the_old_session) {
    const auto alice = make_user("alice@example.org");
    const auto old = by_password("alice@example.org", test::kGoodPassword, LoginKind::Session);
    BOOST_REQUIRE(old.has_value());
    BOOST_REQUIRE(accounts::resume_session(services, old->session_id, client).has_value());
    const auto fresh = by_password("alice@example.org", test::kGoodPassword, LoginKind::Session, old->session_id);
    BOOST_REQUIRE(fresh.has_value());
    BOOST_TEST(!accounts::resume_session(services, old->session_id, client).has_value());
    BOOST_TEST(accounts::resume_session(services, fresh->session_id, client).has_value());
    BOOST_TEST(fresh->session_id != old->session_id);
    BOOST_TEST(accounts::live_logins(services, alice.id).size() == 1u);
    // A refused login does not end the session it would have replaced.
    BOOST_TEST(outcome_of(by_password("alice@example.org", test::kOtherPassword, LoginKind::Session,
                                      fresh->session_id)) == "BadCredentials");
    BOOST_TEST(accounts::resume_session(services, fresh->session_id, client).has_value());
}

BOOST_AUTO_TEST_CASE(a_hash_that_needs_rehash_is_upgraded_in_the_same_login) {
    const auto legacy = legacy_user("legacy@example.org");
    const auto r = by_password("legacy@example.org", test::kGoodPassword, LoginKind::Session);
    BOOST_REQUIRE(r.has_value());
    const auto stored = reload(legacy.id);
    BOOST_TEST(stored.password_hash != legacy.password_hash);
    BOOST_TEST(stored.password_hash.starts_with("argon2$argon2id$v=19$m=8192,t=1,p=1$"));
    BOOST_TEST(!services.hasher.needs_rehash(stored.password_hash));
    BOOST_TEST(services.hasher.verify(test::kGoodPassword, stored.password_hash));
    BOOST_TEST(r->user.password_hash == stored.password_hash);
    one_login_written(*r, LoginKind::Session, 0, 0);
    // The session is live with the new hash (a changed hash would end a session made before it).
    BOOST_TEST(accounts::resume_session(services, r->session_id, client).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
