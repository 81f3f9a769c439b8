// SQLite under write contention: more concurrent writers than workers (a signup storm and a refresh
// storm at once) never get a 500 or "database is locked": WAL, busy_timeout and short BEGIN
// IMMEDIATE transactions make them wait instead, and every write answered as done is there.
#include "api_client.hpp"
#include "checks.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <mutex>
#include <thread>

using namespace gatehouse::e2e;
using namespace gatehouse::e2e::api;

BOOST_AUTO_TEST_SUITE(contention)

BOOST_AUTO_TEST_CASE(more_writers_than_workers_wait_instead_of_failing) {
    StackOptions options;
    options.workers = 3;
    Stack stack(options);

    constexpr int kWriters = 12, kRounds = 15;
    // Each writer its own JWT login, refreshed over and over (each refresh: one write transaction).
    std::vector<std::string> refresh_tokens(kWriters);
    {
        ApiClient api(stack);
        for (int i = 0; i < kWriters; ++i) {
            const std::string email = unique_email("storm");
            verified_user(api, email);
            refresh_tokens[i] = obtain(api, email).refresh;
        }
    }

    std::mutex mutex;
    std::map<int, int> statuses;
    std::vector<std::string> odd_answers;
    std::vector<std::string> signed_up;
    auto note = [&](const HttpResponse& r, const std::string& what) {
        std::lock_guard lock(mutex);
        ++statuses[r.status];
        if (r.status >= 500 || contains(r.body, "locked")) odd_answers.push_back(what + ": " + std::to_string(r.status) + " " + r.body.substr(0, 200));
    };
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            ApiClient api(stack);
            std::string refresh = refresh_tokens[w];
            for (int round = 0; round < kRounds; ++round) {
                const auto rotated = api.post("/api/auth/token/refresh/", {{"refresh", refresh}});
                note(rotated, "refresh");
                if (rotated.status == 200) refresh = rotated.json().at("refresh").get<std::string>();
                if (round % 5 == 0) {
                    const std::string email = unique_email("storm-signup");
                    const auto r = api.post("/api/auth/register/",
                                            {{"email", email}, {"password", kPassword}, {"password2", kPassword}});
                    note(r, "register");
                    if (r.status == 201) {
                        std::lock_guard lock(mutex);
                        signed_up.push_back(email);
                    }
                }
            }
        });
    }
    writers.clear();  // joins

    std::string summary;
    for (const auto& [status, count] : statuses) summary += " " + std::to_string(status) + "×" + std::to_string(count);
    BOOST_TEST_MESSAGE("write storm with " << kWriters << " writers on " << options.workers << " workers:" << summary);
    BOOST_TEST(odd_answers.empty(), "answers that should not be:" << [&] {
        std::string all;
        for (const auto& a : odd_answers) all += "\n  " + a;
        return all;
    }());
    BOOST_TEST(statuses[200] == kWriters * kRounds, "every refresh was rotated");
    BOOST_TEST(statuses[201] == static_cast<int>(signed_up.size()));
    BOOST_TEST(signed_up.size() == static_cast<std::size_t>(kWriters * ((kRounds + 4) / 5)));
    // Every signup answered 201 is there: its email is taken.
    ApiClient api(stack);
    for (const auto& email : signed_up) {
        const auto again = api.post("/api/auth/register/", {{"email", email}, {"password", kPassword}, {"password2", kPassword}});
        BOOST_TEST(again.status == 400, email << " is not there: " << again.body);
    }
}

BOOST_AUTO_TEST_SUITE_END()
