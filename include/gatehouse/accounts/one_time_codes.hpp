#pragma once
// Six-digit one-time codes (email/SMS verification, phone login, password reset) kept in memcached.
//
// A code is stored only as HMAC-SHA256(secret_key, purpose|subject|code) with its expiry, under
// "otp:<purpose>:<first 32 hex of sha256(subject)>", never in clear. Wrong tries are counted with an
// atomic increment on a counter tied to that one issued code ("otp:…:<code id>:tries"), so parallel
// workers cannot get extra tries and a re-issued code starts afresh. Expiry is checked against the
// injected Clock (memcached's real-time TTL only cleans up).
//
// `purpose` is a short constant ("verify_email", "phone_login"…): 1–64 printable ASCII characters
// without spaces or '|', else std::invalid_argument. memcached down: core::Unavailable propagates.
#include "gatehouse/accounts/outcome.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/store/cache.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

enum class CodeCheck { Valid, Invalid, Expired };  // Expired also means: already used, or out of tries (or none issued)
// A code that did not pass, as the rules refuse it (CodeInvalid, CodeExpired); nullopt when it passed.
std::optional<Refusal> code_refusal(CodeCheck check);

class OneTimeCodes {
public:
    OneTimeCodes(store::Cache& cache, const core::Clock& clock, std::string secret_key);

    // A fresh 6-digit code (uniform, from core::random_bytes, leading zeros kept) replacing any earlier
    // code for (purpose, subject); stored only as HMAC-SHA256(secret_key, purpose|subject|code) with its expiry.
    std::string issue(std::string_view purpose, std::string_view subject, int ttl_seconds = 600);
    // Constant-time compare; Valid consumes the code; each Invalid counts a try; after max_tries wrong
    // tries the code is dead (Expired from then on, even for the right code). A code that is not exactly
    // 6 ASCII digits is Invalid and counts as a try.
    CodeCheck check(std::string_view purpose, std::string_view subject, std::string_view code, int max_tries = 5);
    void revoke(std::string_view purpose, std::string_view subject);

private:
    store::Cache& cache_;
    const core::Clock& clock_;
    std::string secret_key_;
};

}  // namespace gatehouse::accounts
