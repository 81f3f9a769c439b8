// Logins of API clients (accounts/api_logins.hpp) against a real memcached, a migrated SQLite
// database and a ManualClock: JWT families (rotation, blacklist, reuse detection, the grace period),
// access tokens that die with their login, and DRF-style API tokens stored only as a SHA-256.
#include "accounts_fixture.hpp"
#include "gatehouse/accounts/api_logins.hpp"
#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/sessions.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/logins.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

using namespace gatehouse;
using namespace std::chrono_literals;
using accounts::Outcome;
using accounts::TokenPair;
using test::outcome_of;

namespace {

struct ApiLogins : test::AccountsFixture {
    accounts::JwtClaims claims_of(const std::string& token) {
        auto c = services.jwt.decode(token, services.now());
        BOOST_REQUIRE_MESSAGE(c.has_value(), "our own token does not decode");
        return *c;
    }
    store::Login login(std::int64_t id) {
        auto l = store::LoginStore(db).find(id);
        BOOST_REQUIRE(l.has_value());
        return *l;
    }
    TokenPair rotate_ok(const std::string& refresh) {
        auto r = accounts::rotate_refresh(services, refresh, client);
        BOOST_REQUIRE_MESSAGE(r.has_value(), "rotation refused: " << r.error().outcome);
        return *r;
    }
    Outcome rotate_fails(const std::string& refresh) {
        auto r = accounts::rotate_refresh(services, refresh, client);
        BOOST_REQUIRE_MESSAGE(!r.has_value(), "rotation accepted");
        return r.error().outcome;
    }
    bool access_ok(const std::string& access) { return accounts::authenticate_access(services, access).has_value(); }
    bool refresh_ok(const std::string& refresh) { return accounts::rotate_refresh(services, refresh, client).has_value(); }
    std::int64_t count(const std::string& sql) {
        auto q = db.query(sql);
        BOOST_REQUIRE(q.step());
        return q.row().column_int(0);
    }
};

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_lower_hex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(api_jwt_logins, ApiLogins)

BOOST_AUTO_TEST_CASE(open_jwt_login_makes_a_jwt_login_row_with_the_current_jti) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    const auto access = claims_of(pair.access);
    const auto refresh = claims_of(pair.refresh);

    BOOST_TEST(access.token_type == "access");
    BOOST_TEST(refresh.token_type == "refresh");
    BOOST_TEST(access.user_id == user.id);
    BOOST_TEST(refresh.user_id == user.id);
    BOOST_TEST(access.sid == refresh.sid);
    BOOST_TEST(access.iat == test::kAccountsStart);
    BOOST_TEST(access.exp == test::kAccountsStart + config.access_ttl);
    BOOST_TEST(refresh.exp == test::kAccountsStart + config.refresh_ttl);
    BOOST_TEST(access.jti != refresh.jti);

    const auto row = login(refresh.sid);
    BOOST_TEST(row.kind == "jwt");
    BOOST_TEST(row.user_id == user.id);
    BOOST_REQUIRE(row.current_jti.has_value());
    BOOST_TEST(*row.current_jti == refresh.jti);
    BOOST_TEST(!row.revoked_at.has_value());
    BOOST_TEST(row.device == "Firefox on Linux");
    BOOST_TEST(row.ip == client.ip);
    BOOST_TEST(row.created_at == test::kAccountsStart);
    BOOST_TEST(row.expires_at == test::kAccountsStart + config.refresh_ttl);
    // It is one of the user's devices.
    const auto live = accounts::live_logins(services, user.id);
    BOOST_REQUIRE(live.size() == 1u);
    BOOST_TEST(live[0].id == refresh.sid);
    // No token text is stored.
    BOOST_TEST(count("SELECT count(*) FROM logins WHERE replace(key_hash, '" + refresh.jti + "', '') <> key_hash") == 0);
}

BOOST_AUTO_TEST_CASE(authenticate_access_takes_access_tokens_only) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    const auto principal = accounts::authenticate_access(services, pair.access);
    BOOST_REQUIRE(principal.has_value());
    BOOST_TEST(principal->user.id == user.id);
    BOOST_TEST(*principal->user.email == "alice@example.org");
    BOOST_TEST(principal->kind == "jwt");
    BOOST_TEST(principal->login_id == claims_of(pair.access).sid);

    BOOST_TEST(!access_ok(pair.refresh));
    BOOST_TEST(!access_ok(""));
    BOOST_TEST(!access_ok("garbage"));
    // And rotation takes refresh tokens only.
    BOOST_TEST(rotate_fails(pair.access) == Outcome::RefreshInvalid);
    BOOST_TEST(access_ok(pair.access));
}

BOOST_AUTO_TEST_CASE(access_tokens_expire_at_exp) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    clock.advance(std::chrono::seconds(config.access_ttl - 1));
    BOOST_TEST(access_ok(pair.access));
    clock.advance(1s);
    BOOST_TEST(!access_ok(pair.access));
    BOOST_TEST(!accounts::token_is_valid(services, pair.access));
    // The refresh token still gives a new pair.
    const auto next = rotate_ok(pair.refresh);
    BOOST_TEST(access_ok(next.access));
}

BOOST_AUTO_TEST_CASE(rotation_gives_a_new_pair_and_reuse_ends_the_family) {
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    const auto sid = claims_of(first.refresh).sid;
    clock.advance(60s);

    const auto second = rotate_ok(first.refresh);
    BOOST_TEST(second.access != first.access);
    BOOST_TEST(second.refresh != first.refresh);
    const auto c = claims_of(second.refresh);
    BOOST_TEST(c.sid == sid);  // same family, same device
    BOOST_TEST(c.user_id == user.id);
    BOOST_TEST(c.jti != claims_of(first.refresh).jti);
    BOOST_TEST(*login(sid).current_jti == c.jti);
    BOOST_TEST(login(sid).last_seen_at == test::kAccountsStart + 60);
    BOOST_TEST(login(sid).expires_at == test::kAccountsStart + 60 + config.refresh_ttl);
    // The old refresh token is blacklisted (in SQLite).
    const auto listed = store::LoginStore(db).blacklisted(claims_of(first.refresh).jti);
    BOOST_REQUIRE(listed.has_value());
    BOOST_TEST(listed->login_id == sid);
    BOOST_TEST(listed->rotated_at == test::kAccountsStart + 60);
    BOOST_TEST(access_ok(second.access));

    // The old refresh token again: reuse → the whole family ends.
    clock.advance(5s);
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshReused);
    BOOST_REQUIRE(login(sid).revoked_at.has_value());
    BOOST_TEST(*login(sid).revoked_at == test::kAccountsStart + 65);
    BOOST_TEST(!access_ok(second.access));
    BOOST_TEST(!access_ok(first.access));
    BOOST_TEST(rotate_fails(second.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!accounts::token_is_valid(services, second.refresh));
    BOOST_TEST(!accounts::token_is_valid(services, second.access));
    // Presented once more, the dead family's token is just invalid.
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(accounts::live_logins(services, user.id).empty());
}

BOOST_AUTO_TEST_CASE(reuse_ends_only_that_family) {
    const auto user = make_user("alice@example.org");
    const auto phone = accounts::open_jwt_login(services, user, client);
    const auto laptop = accounts::open_jwt_login(services, user, client);
    const auto phone2 = rotate_ok(phone.refresh);
    BOOST_TEST(rotate_fails(phone.refresh) == Outcome::RefreshReused);
    BOOST_TEST(!access_ok(phone2.access));
    BOOST_TEST(access_ok(laptop.access));
    BOOST_TEST(refresh_ok(laptop.refresh));
}

BOOST_AUTO_TEST_CASE(grace_period_makes_quick_reuse_only_invalid) {
    config.refresh_grace = 30;
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    const auto sid = claims_of(first.refresh).sid;
    const auto second = rotate_ok(first.refresh);  // rotated at t0

    clock.advance(10s);
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!login(sid).revoked_at.has_value());
    BOOST_TEST(access_ok(second.access));
    BOOST_TEST(accounts::token_is_valid(services, second.refresh));

    clock.advance(19s);  // t0 + 29
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!login(sid).revoked_at.has_value());
    const auto third = rotate_ok(second.refresh);  // the family goes on: second rotated at t0 + 29

    clock.advance(1s);  // t0 + 30: the first token's grace is over
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshReused);
    BOOST_TEST(login(sid).revoked_at.has_value());
    BOOST_TEST(!access_ok(third.access));
    BOOST_TEST(!refresh_ok(third.refresh));
}

BOOST_AUTO_TEST_CASE(grace_period_counts_from_each_rotation) {
    config.refresh_grace = 30;
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    const auto sid = claims_of(first.refresh).sid;
    clock.advance(100s);
    const auto second = rotate_ok(first.refresh);  // rotated at t0 + 100
    clock.advance(29s);
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!login(sid).revoked_at.has_value());
    clock.advance(1s);
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshReused);
    BOOST_TEST(!access_ok(second.access));
}

BOOST_AUTO_TEST_CASE(without_grace_immediate_reuse_is_reuse) {
    BOOST_TEST(config.refresh_grace == 0);
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    const auto second = rotate_ok(first.refresh);
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshReused);
    BOOST_TEST(!access_ok(second.access));
}

BOOST_AUTO_TEST_CASE(token_is_valid_for_access_and_the_current_refresh_only) {
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    BOOST_TEST(accounts::token_is_valid(services, first.access));
    BOOST_TEST(accounts::token_is_valid(services, first.refresh));

    const auto second = rotate_ok(first.refresh);
    BOOST_TEST(!accounts::token_is_valid(services, first.refresh));  // rotated
    BOOST_TEST(accounts::token_is_valid(services, first.access));    // access lives until exp or revocation
    BOOST_TEST(accounts::token_is_valid(services, second.access));
    BOOST_TEST(accounts::token_is_valid(services, second.refresh));
    // Asking does not count as reuse: the family lives.
    BOOST_TEST(access_ok(second.access));

    BOOST_TEST(!accounts::token_is_valid(services, ""));
    BOOST_TEST(!accounts::token_is_valid(services, "x.y.z"));

    accounts::revoke_login(services, login(claims_of(second.access).sid));
    BOOST_TEST(!accounts::token_is_valid(services, second.access));
    BOOST_TEST(!accounts::token_is_valid(services, second.refresh));
    BOOST_TEST(!accounts::token_is_valid(services, first.access));
}

BOOST_AUTO_TEST_CASE(a_revoked_device_ends_its_tokens_before_exp) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    accounts::revoke_all_logins(services, user.id);
    BOOST_TEST(!access_ok(pair.access));
    BOOST_TEST(rotate_fails(pair.refresh) == Outcome::RefreshInvalid);
}

BOOST_AUTO_TEST_CASE(a_deactivated_or_deleted_users_tokens_are_refused) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    const auto key = accounts::open_token_login(services, user, client);
    store::UserStore(db).set_active(user.id, false);
    BOOST_TEST(!access_ok(pair.access));
    BOOST_TEST(!accounts::token_is_valid(services, pair.access));
    BOOST_TEST(!accounts::token_is_valid(services, pair.refresh));
    BOOST_TEST(rotate_fails(pair.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    // Back on: the logins were not revoked, so they work again.
    store::UserStore(db).set_active(user.id, true);
    BOOST_TEST(access_ok(pair.access));
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());

    store::UserStore(db).remove(user.id);
    BOOST_TEST(!access_ok(pair.access));
    BOOST_TEST(rotate_fails(pair.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
}

BOOST_AUTO_TEST_CASE(signed_claims_must_match_the_login) {
    // Even validly signed tokens (a leaked key aside, these can only be ours) must fit their login.
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    const auto pair = accounts::open_jwt_login(services, alice, client);
    auto c = claims_of(pair.access);
    c.user_id = bob.id;  // alice's login, bob's id
    BOOST_TEST(!access_ok(services.jwt.encode(c)));
    c = claims_of(pair.access);
    c.sid = 9999;  // no such login
    BOOST_TEST(!access_ok(services.jwt.encode(c)));
    // An API token's login is not a JWT family.
    accounts::open_token_login(services, alice, client);
    const auto token_login = accounts::live_logins(services, alice.id).back();
    BOOST_REQUIRE(token_login.kind == "token");
    c = claims_of(pair.access);
    c.sid = token_login.id;
    BOOST_TEST(!access_ok(services.jwt.encode(c)));
    // A refresh token with a jti the family never had.
    auto r = claims_of(pair.refresh);
    r.jti = core::random_hex(16);
    BOOST_TEST(rotate_fails(services.jwt.encode(r)) == Outcome::RefreshInvalid);
    BOOST_TEST(!accounts::token_is_valid(services, services.jwt.encode(r)));
    BOOST_TEST(access_ok(pair.access));  // that was no reuse: the family lives
}

BOOST_AUTO_TEST_CASE(end_refresh_family_blacklists_and_revokes) {
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(services, user, client);
    const auto c = claims_of(pair.refresh);
    BOOST_TEST(outcome_of(accounts::end_refresh_family(services, user, pair.refresh)) == "Ok");
    BOOST_TEST(login(c.sid).revoked_at.has_value());
    BOOST_TEST(store::LoginStore(db).blacklisted(c.jti).has_value());
    BOOST_TEST(!access_ok(pair.access));
    BOOST_TEST(rotate_fails(pair.refresh) == Outcome::RefreshInvalid);
    // A second logout with the same token: the family is gone.
    BOOST_TEST(outcome_of(accounts::end_refresh_family(services, user, pair.refresh)) == "RefreshInvalid");
}

BOOST_AUTO_TEST_CASE(end_refresh_family_with_another_users_token_is_not_yours) {
    const auto alice = make_user("alice@example.org");
    const auto bob = make_user("bob@example.org");
    const auto alices = accounts::open_jwt_login(services, alice, client);
    const auto bobs = accounts::open_jwt_login(services, bob, client);
    BOOST_TEST(outcome_of(accounts::end_refresh_family(services, alice, bobs.refresh)) == "RefreshInvalid");
    BOOST_TEST(access_ok(bobs.access));
    BOOST_TEST(refresh_ok(bobs.refresh));
    // An access token is no refresh token; garbage is nobody's.
    BOOST_TEST(outcome_of(accounts::end_refresh_family(services, alice, alices.access)) == "RefreshInvalid");
    BOOST_TEST(outcome_of(accounts::end_refresh_family(services, alice, "nope")) == "RefreshInvalid");
    BOOST_TEST(access_ok(alices.access));
}

BOOST_AUTO_TEST_CASE(the_blacklist_survives_a_memcached_restart) {
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    const auto second = rotate_ok(first.refresh);
    memcached.stop();
    memcached.start();
    BOOST_TEST(rotate_fails(first.refresh) == Outcome::RefreshReused);
    BOOST_TEST(!access_ok(second.access));
    BOOST_TEST(!refresh_ok(second.refresh));
}

BOOST_AUTO_TEST_CASE(parallel_rotations_of_one_refresh_token_give_one_pair) {
    // Workers are separate processes with their own connections: one thread, one connection each.
    config.refresh_grace = 30;
    const auto user = make_user("alice@example.org");
    const auto first = accounts::open_jwt_login(services, user, client);
    constexpr int kWorkers = 8;
    std::atomic<int> ready{0}, won{0}, invalid{0}, reused{0};
    std::vector<std::string> winners(kWorkers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWorkers; ++i)
        threads.emplace_back([&, i] {
            store::Database worker_db(dir.database());
            store::Cache worker_cache(memcached.socket);
            accounts::Services worker(config, worker_db, worker_cache, clock, log, templates, test::accounts_test_policy());
            ++ready;
            while (ready < kWorkers) std::this_thread::yield();
            auto r = accounts::rotate_refresh(worker, first.refresh, client);
            if (r) {
                ++won;
                winners[i] = r->refresh;
            } else if (r.error().outcome == Outcome::RefreshInvalid) {
                ++invalid;
            } else {
                ++reused;
            }
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(won == 1);
    BOOST_TEST(invalid == kWorkers - 1);
    BOOST_TEST(reused == 0);
    std::string winner;
    for (const auto& w : winners)
        if (!w.empty()) winner = w;
    BOOST_TEST(accounts::token_is_valid(services, winner));
    BOOST_TEST(refresh_ok(winner));
}

BOOST_AUTO_TEST_CASE(with_jwt_encryption_on_the_logins_use_jwe) {
    core::Config encrypted = config;
    encrypted.jwt_encrypt = true;
    encrypted.jwe_key = core::base64url_encode(std::string(32, '\x5a'));
    accounts::Services jwe(encrypted, db, cache, clock, log, templates, test::accounts_test_policy());
    BOOST_REQUIRE(jwe.jwt.encrypting());
    const auto user = make_user("alice@example.org");
    const auto pair = accounts::open_jwt_login(jwe, user, client);
    BOOST_TEST(std::count(pair.access.begin(), pair.access.end(), '.') == 4);
    BOOST_TEST(std::count(pair.refresh.begin(), pair.refresh.end(), '.') == 4);
    BOOST_TEST(accounts::authenticate_access(jwe, pair.access).has_value());
    BOOST_TEST(accounts::token_is_valid(jwe, pair.refresh));
    // A service without encryption (same secret key) takes none of them.
    BOOST_TEST(!access_ok(pair.access));
    const auto next = accounts::rotate_refresh(jwe, pair.refresh, client);
    BOOST_REQUIRE(next.has_value());
    BOOST_TEST(accounts::authenticate_access(jwe, next->access).has_value());
    BOOST_TEST(!accounts::rotate_refresh(jwe, pair.refresh, client).has_value());  // reuse
    BOOST_TEST(!accounts::authenticate_access(jwe, next->access).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(api_token_logins, ApiLogins)

BOOST_AUTO_TEST_CASE(open_token_login_gives_40_hex_that_authenticates) {
    const auto user = make_user("alice@example.org");
    const auto key = accounts::open_token_login(services, user, client);
    BOOST_TEST(key.size() == 40u);
    BOOST_TEST(is_lower_hex(key));
    const auto principal = accounts::authenticate_token(services, key);
    BOOST_REQUIRE(principal.has_value());
    BOOST_TEST(principal->user.id == user.id);
    BOOST_TEST(principal->kind == "token");
    const auto row = login(principal->login_id);
    BOOST_TEST(row.kind == "token");
    BOOST_TEST(row.user_id == user.id);
    BOOST_TEST(row.device == "Firefox on Linux");
    // Each login is a new device with its own key.
    const auto other = accounts::open_token_login(services, user, client);
    BOOST_TEST(other != key);
    BOOST_TEST(accounts::authenticate_token(services, other)->login_id != principal->login_id);
    BOOST_TEST(accounts::live_logins(services, user.id).size() == 2u);
}

BOOST_AUTO_TEST_CASE(only_the_sha256_of_the_key_is_stored) {
    const auto user = make_user("alice@example.org");
    const auto key = accounts::open_token_login(services, user, client);
    const auto principal = accounts::authenticate_token(services, key);
    BOOST_REQUIRE(principal.has_value());
    BOOST_TEST(login(principal->login_id).key_hash == core::hex_encode(core::sha256(key)));
    const std::string all_columns =
        "coalesce(kind,'') || coalesce(key_hash,'') || coalesce(device,'') || coalesce(ip,'') || coalesce(current_jti,'')";
    // replace() changes a text that holds the key: both engines have it (SQLite's instr is its own).
    BOOST_TEST(count("SELECT count(*) FROM logins WHERE replace(" + all_columns + ", '" + key + "', '') <> " + all_columns) == 0);
    BOOST_TEST(count("SELECT count(*) FROM logins WHERE replace(lower(" + all_columns + "), '" + key.substr(0, 20) + "', '') <> lower(" +
                     all_columns + ")") == 0);
    // Nor anywhere in the database files.
    for (const char* suffix : {"", "-wal", "-journal"}) {
        const std::filesystem::path file = dir.file("gatehouse.db") + suffix;
        if (std::filesystem::exists(file)) BOOST_TEST(file_bytes(file).find(key) == std::string::npos, file.string());
    }
}

BOOST_AUTO_TEST_CASE(malformed_or_unknown_keys_are_refused) {
    const auto user = make_user("alice@example.org");
    std::string key = accounts::open_token_login(services, user, client);
    std::string upper = key;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (upper != key) BOOST_TEST(!accounts::authenticate_token(services, upper).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, key.substr(0, 39)).has_value());
    BOOST_TEST(!accounts::authenticate_token(services, key + "0").has_value());
    BOOST_TEST(!accounts::authenticate_token(services, "").has_value());
    BOOST_TEST(!accounts::authenticate_token(services, core::random_hex(20)).has_value());
    // The stored hash is not a key either.
    BOOST_TEST(!accounts::authenticate_token(services, core::hex_encode(core::sha256(key)).substr(0, 40)).has_value());
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());
}

BOOST_AUTO_TEST_CASE(a_revoked_token_is_refused) {
    const auto user = make_user("alice@example.org");
    const auto key = accounts::open_token_login(services, user, client);
    const auto keep = accounts::open_token_login(services, user, client);
    const auto principal = accounts::authenticate_token(services, key);
    BOOST_REQUIRE(principal.has_value());
    accounts::revoke_login(services, login(principal->login_id));
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(accounts::authenticate_token(services, keep).has_value());
    // A JWT refresh family opened later does not bring it back.
    accounts::open_jwt_login(services, user, client);
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
}

BOOST_AUTO_TEST_CASE(token_use_touches_last_seen_at_most_once_a_minute) {
    const auto user = make_user("alice@example.org");
    const auto key = accounts::open_token_login(services, user, client);
    const auto id = accounts::authenticate_token(services, key)->login_id;
    clock.advance(30s);
    accounts::authenticate_token(services, key);
    BOOST_TEST(login(id).last_seen_at == test::kAccountsStart);
    clock.advance(30s);
    accounts::authenticate_token(services, key);
    BOOST_TEST(login(id).last_seen_at == test::kAccountsStart + 60);
    // API tokens do not expire by themselves.
    clock.advance(std::chrono::seconds(5LL * 365 * 86400));
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());
}

BOOST_AUTO_TEST_CASE(max_devices_applies_across_session_jwt_and_token) {
    config.max_devices = 2;
    const auto user = make_user("alice@example.org");
    const auto session = accounts::start_session(services, user, true, client);
    clock.advance(10s);
    const auto jwt = accounts::open_jwt_login(services, user, client);
    clock.advance(10s);
    BOOST_TEST(accounts::resume_session(services, session.id, client).has_value());
    const auto key = accounts::open_token_login(services, user, client);  // third login: the session goes

    BOOST_TEST(!accounts::resume_session(services, session.id, client).has_value());
    BOOST_TEST(access_ok(jwt.access));
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(accounts::live_logins(services, user.id).size() == 2u);

    clock.advance(10s);
    const auto second_jwt = accounts::open_jwt_login(services, user, client);  // the first family goes
    BOOST_TEST(!access_ok(jwt.access));
    BOOST_TEST(rotate_fails(jwt.refresh) == Outcome::RefreshInvalid);
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(access_ok(second_jwt.access));

    clock.advance(10s);
    const auto session2 = accounts::start_session(services, user, false, client);  // the token goes
    BOOST_TEST(!accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(access_ok(second_jwt.access));
    BOOST_TEST(accounts::resume_session(services, session2.id, client).has_value());

    std::vector<std::string> kinds;
    for (const auto& l : accounts::live_logins(services, user.id)) kinds.push_back(l.kind);
    BOOST_TEST(kinds == (std::vector<std::string>{"jwt", "session"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rotation_does_not_add_a_device) {
    config.max_devices = 2;
    const auto user = make_user("alice@example.org");
    const auto key = accounts::open_token_login(services, user, client);
    auto pair = accounts::open_jwt_login(services, user, client);
    for (int i = 0; i < 5; ++i) {
        clock.advance(10s);
        pair = rotate_ok(pair.refresh);
    }
    BOOST_TEST(accounts::authenticate_token(services, key).has_value());
    BOOST_TEST(accounts::live_logins(services, user.id).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
