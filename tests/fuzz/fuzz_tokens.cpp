// libFuzzer target: the small parsers that see user input outside the request parser —
// signed link tokens (TokenSigner), CSRF tokens and Origin/Referer checks, field validation
// (email, names, phone, date of birth, gender), base64 / base64url, casefold, normalize_phone.
//
// The whole input goes to every one-argument function; the functions of two or three arguments get
// its first '\n'-separated fields. Nothing may crash, and a few round trips must hold.
#include "gatehouse/accounts/csrf.hpp"
#include "gatehouse/accounts/otp.hpp"
#include "gatehouse/accounts/signed_token.hpp"
#include "gatehouse/accounts/validation.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/http/request.hpp"

#include "fuzz_util.hpp"

#include <algorithm>
#include <cctype>

namespace accounts = gatehouse::accounts;
namespace core = gatehouse::core;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::string_view kSecret = "fuzz-secret-key-not-a-secret";  // the seeds were made with it

bool alnum(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

void signed_tokens(std::string_view input, const std::vector<std::string_view>& f) {
    core::ManualClock clock(kNow);
    const accounts::TokenSigner signer{std::string(kSecret), clock};
    const auto claims = signer.read(input);
    const auto check = signer.verify(input, "password-reset", "state");
    if (!claims) FUZZ_CHECK(check == accounts::TokenCheck::Invalid);
    if (check == accounts::TokenCheck::Valid) FUZZ_CHECK(claims && claims->expires > kNow);
    if (f.size() >= 3) (void)signer.verify(f[0], f[1], f[2]);

    // make → read / verify, with the user id, lifetime, purpose and state from the input.
    const auto user_id = static_cast<std::int64_t>(fuzz::read_u64(input, 0));
    const std::int64_t ttl = 1 + static_cast<std::int64_t>(fuzz::read_u64(input, 8) % (100LL * 366 * 24 * 3600));
    const std::string_view purpose = f.size() >= 2 ? f[1] : "verify-email";
    const std::string_view state = f.size() >= 3 ? f[2] : input;
    const std::string token = signer.make(purpose, user_id, ttl, state);
    FUZZ_CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string::npos);
    const auto read = signer.read(token);
    FUZZ_CHECK(read && read->user_id == user_id && read->expires == kNow + ttl);
    FUZZ_CHECK(signer.verify(token, purpose, state) == accounts::TokenCheck::Valid);
    FUZZ_CHECK(signer.verify(token, std::string(purpose) + "x", state) == accounts::TokenCheck::Invalid);
    FUZZ_CHECK(signer.verify(token, purpose, std::string(state) + "x") == accounts::TokenCheck::Invalid);
    clock.set(kNow + ttl);
    FUZZ_CHECK(signer.verify(token, purpose, state) == accounts::TokenCheck::Expired);
}

void csrf(std::string_view input, const std::vector<std::string_view>& f) {
    if (const auto secret = accounts::unmask_csrf_token(input)) {
        FUZZ_CHECK(secret->size() == 32 && alnum(*secret));
        FUZZ_CHECK(accounts::csrf_token_matches(*secret, input));
        FUZZ_CHECK(accounts::csrf_token_matches(*secret, accounts::mask_csrf_secret(*secret)));
    }
    if (f.size() >= 2) (void)accounts::csrf_token_matches(f[0], f[1]);
    const std::string_view origin = f[0];
    const std::string_view referer = f.size() >= 2 ? f[1] : "";
    const std::string_view host = f.size() >= 3 ? f[2] : "127.0.0.1:8443";
    if (accounts::csrf_origin_ok(origin, referer, host)) {
        const std::string_view url = origin.empty() ? referer : origin;
        FUZZ_CHECK(url.size() > 8 && !host.empty());
    }
}

void validation(std::string_view input, const std::vector<std::string_view>& f) {
    if (const auto email = accounts::normalize_email(input)) {
        FUZZ_CHECK(email->size() <= 254 && email->find('@') != std::string::npos);
        FUZZ_CHECK(accounts::normalize_email(*email) == email);  // idempotent
    }
    (void)accounts::name_problem(input);
    (void)accounts::person_name_problem(input);
    (void)accounts::phone_problem(input);
    (void)accounts::gender_problem(input);
    (void)accounts::date_of_birth_problem(input, kNow);
    const auto today = f.size() >= 2 ? static_cast<std::int64_t>(fuzz::read_u64(f[1], 0)) : kNow;
    (void)accounts::date_of_birth_problem(f[0], today);
    FUZZ_CHECK(core::utf8_length(input) <= input.size());
    const std::string trimmed = accounts::trim(input);
    FUZZ_CHECK(trimmed.size() <= input.size() && accounts::trim(trimmed) == trimmed);
    if (const auto phone = accounts::normalize_phone(input)) FUZZ_CHECK(accounts::phone_problem(*phone).empty());
}

void encodings(std::string_view input) {
    FUZZ_CHECK(core::base64_decode(core::base64_encode(input)) == std::string(input));
    FUZZ_CHECK(core::base64url_decode(core::base64url_encode(input)) == std::string(input));
    // The check without decoding agrees with decoding, for text without padding.
    if (input.find('=') == std::string_view::npos)
        FUZZ_CHECK(core::is_canonical_base64url(input) == core::base64url_decode(input).has_value());
    // One value, one spelling: what decodes re-encodes to the same text (base64url: padding optional).
    if (const auto bytes = core::base64_decode(input)) FUZZ_CHECK(core::base64_encode(*bytes) == input);
    if (const auto bytes = core::base64url_decode(input)) {
        std::string_view unpadded = input;
        while (unpadded.ends_with("=")) unpadded.remove_suffix(1);
        FUZZ_CHECK(core::base64url_encode(*bytes) == unpadded);
    }
    const std::string folded = core::casefold(input);
    FUZZ_CHECK(core::is_valid_utf8(folded));
    FUZZ_CHECK(core::casefold(folded) == folded);  // folding is idempotent
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::as_text(data, size);
    const auto fields = fuzz::split(input, '\n', 3);
    signed_tokens(input, fields);
    csrf(input, fields);
    validation(input, fields);
    encodings(input);
    return 0;
}
