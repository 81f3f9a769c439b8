// The answers table (web/answers.hpp): every account outcome has both an API answer and a page
// answer, and the answers the README's error table promises come out of it.
#include "gatehouse/web/answers.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <set>

using gatehouse::accounts::Outcome;
using gatehouse::accounts::Refusal;
namespace accounts = gatehouse::accounts;
namespace web = gatehouse::web;

namespace {

nlohmann::json body_of(const gatehouse::http::Response& response) { return nlohmann::json::parse(response.body); }

Outcome nth(int i) { return static_cast<Outcome>(i); }

}  // namespace

BOOST_AUTO_TEST_SUITE(answers)

BOOST_AUTO_TEST_CASE(every_outcome_has_an_api_answer_and_a_page_answer) {
    std::set<std::string> names;
    for (int i = 0; i < accounts::kOutcomeCount; ++i) {
        const Outcome outcome = nth(i);
        BOOST_TEST_CONTEXT(outcome) {
            names.insert(std::string(accounts::outcome_name(outcome)));
            const auto& row = web::answer_for(outcome);
            BOOST_TEST(row.status >= 400);
            BOOST_TEST(row.status < 500, "an account outcome is the caller's, never a server error");
            BOOST_TEST(std::string(row.code).size() > 0);
            BOOST_TEST(std::string(row.detail).size() > 0);
            BOOST_TEST(row.page_status >= 200);
            BOOST_TEST(std::string(row.page_message).size() > 0);

            Refusal refusal = accounts::refuse(outcome);
            refusal.retry_after = outcome == Outcome::Throttled || outcome == Outcome::PhoneCodeLimit ? 7 : 0;
            refusal.subject = "is_staff";
            const auto api = web::api_answer(gatehouse::core::Catalog{}, refusal);
            BOOST_TEST(api.status == row.status);
            BOOST_TEST(api.header("Content-Type").value_or("") == "application/json");
            const auto body = body_of(api);
            if (row.api_field) {
                BOOST_TEST(body.at(row.api_field).at(0).get<std::string>() == row.detail);
            } else if (outcome != Outcome::Invalid) {
                BOOST_TEST(body.at("code").get<std::string>() == row.code);
                BOOST_TEST(body.at("detail").get<std::string>().find('{') == std::string::npos, "a blank left unfilled");
            }
            BOOST_TEST(web::page_message(gatehouse::core::Catalog{}, refusal).find('{') == std::string::npos, "a blank left unfilled");
            const auto errors = web::page_errors(gatehouse::core::Catalog{}, refusal);
            BOOST_TEST(errors.size() == 1u);
            BOOST_TEST(!errors.begin()->second.empty());
        }
    }
    BOOST_TEST(names.size() == static_cast<std::size_t>(accounts::kOutcomeCount), "two outcomes share a name");
    BOOST_TEST(names.count("Outcome?") == 0u);
}

BOOST_AUTO_TEST_CASE(the_contracts_error_codes) {
    struct Expected {
        Outcome outcome;
        int status;
        const char* code;
    };
    for (const auto& e : std::initializer_list<Expected>{
             {Outcome::BadCredentials, 401, "no_active_account"},
             {Outcome::Unverified, 403, "not_verified"},
             {Outcome::NotAuthenticated, 401, "not_authenticated"},
             {Outcome::AccessTokenInvalid, 401, "token_not_valid"},
             {Outcome::ApiTokenInvalid, 401, "token_not_valid"},
             {Outcome::RefreshInvalid, 401, "token_not_valid"},
             {Outcome::RefreshReused, 401, "token_not_valid"},
             {Outcome::LinkInvalid, 400, "token_invalid"},
             {Outcome::LinkExpired, 400, "token_expired"},
             {Outcome::AlreadyVerified, 400, "already_verified"},
             {Outcome::CodeInvalid, 400, "otp_invalid"},
             {Outcome::CodeExpired, 400, "otp_expired"},
             {Outcome::ResetTokenInvalid, 400, "token_invalid"},
             {Outcome::ResetCodeNotChecked, 400, "otp_required"},
             {Outcome::PhoneCodeLimit, 406, "otp_limit"},
             {Outcome::Forbidden, 403, "permission_denied"},
             {Outcome::ForbiddenFlag, 403, "permission_denied"},
             {Outcome::NotFound, 404, "not_found"},
             {Outcome::InvalidPage, 404, "not_found"},
             {Outcome::Throttled, 429, "throttled"},
             {Outcome::ReauthenticationRequired, 403, "reauthentication_required"},
             {Outcome::PasswordAlreadySet, 400, "password_already_set"},
             {Outcome::NoPendingEmailChange, 400, "no_pending_change"},
             {Outcome::UndoLinkInvalid, 400, "token_invalid"},
             {Outcome::MfaRequired, 401, "mfa_required"},
             {Outcome::MfaTokenInvalid, 401, "mfa_token_invalid"},
             {Outcome::MfaEnrollmentRequired, 403, "mfa_enrollment_required"},
             {Outcome::MfaAlreadyEnabled, 400, "mfa_already_enabled"},
             {Outcome::MfaNotEnabled, 400, "mfa_not_enabled"},
             {Outcome::MfaNotPending, 400, "mfa_setup_expired"},
         }) {
        BOOST_TEST_CONTEXT(e.outcome) {
            const auto response = web::api_answer(gatehouse::core::Catalog{}, e.outcome);
            BOOST_TEST(response.status == e.status);
            BOOST_TEST(body_of(response).at("code").get<std::string>() == e.code);
        }
    }
}

BOOST_AUTO_TEST_CASE(headers_and_blanks) {
    auto throttled = web::api_answer(gatehouse::core::Catalog{}, accounts::refuse_throttled(42));
    BOOST_TEST(throttled.header("Retry-After").value_or("") == "42");
    BOOST_TEST(body_of(throttled).at("detail") == "Request was throttled. Expected available in 42 seconds.");
    BOOST_TEST(web::page_message(gatehouse::core::Catalog{}, accounts::refuse_throttled(42)) == "Too many attempts. Please wait 42 seconds and try again.");

    BOOST_TEST(web::api_answer(gatehouse::core::Catalog{}, Outcome::BadCredentials).header("WWW-Authenticate").value_or("") == "Bearer realm=\"api\"");
    BOOST_TEST(web::api_answer(gatehouse::core::Catalog{}, Outcome::ApiTokenInvalid).header("WWW-Authenticate").value_or("") == "Token");
    BOOST_TEST(!web::api_answer(gatehouse::core::Catalog{}, Outcome::NotFound).header("WWW-Authenticate").has_value());

    Refusal flag = accounts::refuse(Outcome::ForbiddenFlag);
    flag.subject = "is_active";
    BOOST_TEST(body_of(web::api_answer(gatehouse::core::Catalog{}, flag)).at("detail") == "You do not have permission to change is_active.");

    const auto phone = web::api_answer(gatehouse::core::Catalog{}, Outcome::BadPhoneNumber);
    BOOST_TEST(phone.status == 400);
    BOOST_TEST(body_of(phone).at("phone").at(0) == "Enter a valid phone number in international format, e.g. +14155552671.");
}

BOOST_AUTO_TEST_CASE(field_errors_go_to_their_fields_on_both_sides) {
    const auto invalid = accounts::refuse_fields({{"email", {"Enter a valid email address."}}, {"name", {"Too long."}}});
    const auto api = web::api_answer(gatehouse::core::Catalog{}, invalid);
    BOOST_TEST(api.status == 400);
    BOOST_TEST(body_of(api) == nlohmann::json({{"email", {"Enter a valid email address."}}, {"name", {"Too long."}}}));
    BOOST_TEST((web::page_errors(gatehouse::core::Catalog{}, invalid) == invalid.errors));
    BOOST_TEST(web::page_message(gatehouse::core::Catalog{}, invalid) == "Enter a valid email address. Too long.");

    // The same code refusal is next to the code field on the page and the same words in the API.
    const auto code = web::page_errors(gatehouse::core::Catalog{}, accounts::refuse(Outcome::CodeInvalid));
    BOOST_TEST(code.at("code").at(0) == "The code is not valid.");
    BOOST_TEST(body_of(web::api_answer(gatehouse::core::Catalog{}, Outcome::CodeInvalid)).at("detail") == "The code is not valid.");
    BOOST_TEST(web::page_errors(gatehouse::core::Catalog{}, accounts::refuse(Outcome::BadCredentials)).count("non_field_errors") == 1u);

    // A wrong re-entered password, and an address taken at confirmation, are field errors in the API.
    BOOST_TEST(body_of(web::api_answer(gatehouse::core::Catalog{}, Outcome::WrongPassword)).at("password").at(0) == "The password is not correct.");
    BOOST_TEST(web::page_errors(gatehouse::core::Catalog{}, accounts::refuse(Outcome::WrongPassword)).count("password") == 1u);
    BOOST_TEST(body_of(web::api_answer(gatehouse::core::Catalog{}, Outcome::EmailTaken)).at("email").at(0) == "A user with that email already exists.");
}

BOOST_AUTO_TEST_SUITE_END()
