#include "gatehouse/accounts/mfa.hpp"

#include "gatehouse/accounts/limits.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/accounts/totp.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/core/text.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/mfa.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::accounts {
namespace {

constexpr const char* kRecoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567";  // 32: one byte % 32 is unbiased

std::string secret_key_for_totp(const Services& s) { return core::derive_key(s.config.secret_key, "mfa-totp-secret"); }

std::string seal_secret(const Services& s, std::string_view secret) {
    return core::base64_encode(core::seal(secret_key_for_totp(s), secret));
}

std::optional<std::string> open_secret(const Services& s, const store::TotpRow& row) {
    const auto sealed = core::base64_decode(row.sealed_secret);
    if (!sealed) return std::nullopt;
    return core::open_sealed(secret_key_for_totp(s), *sealed);
}

// Without spaces and dashes, lower case, ASCII digits: how a TOTP or recovery code is compared however
// it was typed.
std::string normalized(std::string_view code) {
    std::string out;
    for (unsigned char c : core::ascii_digits(code))
        if (c != ' ' && c != '-' && c != '\t') out += static_cast<char>(std::tolower(c));
    return out;
}

bool is_totp_code(std::string_view code) {
    return code.size() == kTotpDigits && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string recovery_hash(const Services& s, std::int64_t user_id, std::string_view code) {
    // A fast keyed hash is enough: the codes are 50 random bits, not something a person chose.
    return core::hex_encode(core::hmac_sha256(core::derive_key(s.config.secret_key, "mfa-recovery-codes"),
                                              std::to_string(user_id) + ":" + std::string(code)));
}

std::vector<std::string> new_recovery_codes() {
    std::vector<std::string> codes;
    for (int i = 0; i < kRecoveryCodeCount; ++i) {
        const std::string bytes = core::random_bytes(10);
        std::string code;
        for (std::size_t j = 0; j < bytes.size(); ++j) {
            if (j == 5) code += '-';
            code += kRecoveryAlphabet[static_cast<unsigned char>(bytes[j]) % 32];
        }
        codes.push_back(std::move(code));
    }
    return codes;
}

// Saves fresh codes (the caller's transaction) and returns them in clear, for the one time they show.
std::vector<std::string> store_new_codes(Services& s, std::int64_t user_id) {
    auto codes = new_recovery_codes();
    std::vector<std::string> hashes;
    for (const auto& code : codes) hashes.push_back(recovery_hash(s, user_id, normalized(code)));
    store::MfaStore(s.db).replace_codes(user_id, hashes);
    return codes;
}

// The security notice (caller's transaction): templates/email/mfa_changed.*, with its title and
// sentence (marked N_) in the user's language; `left` fills the sentence's {left} blank, if any.
void mail_notice(Services& s, const User& user, const char* title, const char* what, std::string_view left = {}) {
    if (!user.email) return;
    const auto language = mail_language(user, s.config);
    ctemplate::TemplateDictionary dict("mfa_changed");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("TITLE", mail_text(s.templates, language, title));
    dict.SetValue("WHAT", core::fill_blank(mail_text(s.templates, language, what), "{left}", left));
    Notifier(s.templates, s.db).email(*user.email, "mfa_changed", dict, s.now(), language);
}

std::optional<store::TotpRow> confirmed_row(Services& s, std::int64_t user_id) {
    auto row = store::MfaStore(s.db).find_totp(user_id);
    if (!row || !row->confirmed_at) return std::nullopt;
    return row;
}

// A TOTP code of the user's confirmed authenticator, spent (its step recorded) when good.
bool spend_totp(Services& s, const store::TotpRow& row, std::string_view code) {
    const auto secret = open_secret(s, row);
    if (!secret) return false;
    const auto step = totp_match(*secret, s.now(), code);
    if (!step) return false;
    return store::MfaStore(s.db).advance_step(row.user_id, *step);
}

std::expected<void, Refusal> check_proof(Services& s, const User& user, const store::TotpRow& row, const MfaProof& proof) {
    const std::string subject = failed_login_subject(user);
    const auto failures = s.throttle.peek("login-fail", subject, Limits::kFailedLogins);
    if (!failures.allowed) return std::unexpected(refuse_throttled(failures.retry_after));
    if (!proof.password.empty()) {
        if (s.hasher.verify(proof.password, user.password_hash)) return {};
        s.throttle.hit("login-fail", subject, Limits::kFailedLogins);
        return std::unexpected(refuse_fields({{"password", {core::N_("The password is not correct.")}}}));
    }
    if (!proof.code.empty()) {
        if (spend_totp(s, row, normalized(proof.code))) return {};
        s.throttle.hit("login-fail", subject, Limits::kFailedLogins);
        return std::unexpected(refuse_fields({{"code", {core::N_("The code is not valid.")}}}));
    }
    return std::unexpected(
        refuse_fields({{"password", {core::N_("Enter your password or a current code from your authenticator app.")}}}));
}

TotpSetup setup_of(const Services& s, const User& user, std::string_view secret, std::int64_t pending_until) {
    const std::string text = base32_encode(secret);
    return {text, otpauth_uri(kTotpIssuer, user.email.value_or(user.phone.value_or("user " + std::to_string(user.id))), text),
            std::max<std::int64_t>(pending_until - s.now(), 0)};
}

}  // namespace

MfaStatus mfa_status(Services& s, const User& user) {
    MfaStatus status;
    store::MfaStore store(s.db);
    if (const auto row = store.find_totp(user.id)) {
        status.enabled = row->confirmed_at.has_value();
        status.pending = !status.enabled && row->pending_until > s.now();
    }
    if (status.enabled) status.recovery_codes_left = store.count_unused(user.id);
    return status;
}

bool has_totp(Services& s, std::int64_t user_id) { return confirmed_row(s, user_id).has_value(); }

std::expected<TotpSetup, Refusal> begin_totp(Services& s, const User& user) {
    const std::string secret = core::random_bytes(kTotpSecretBytes);
    const std::int64_t until = s.now() + kTotpSetupSeconds;
    if (!store::MfaStore(s.db).save_pending(user.id, seal_secret(s, secret), until))
        return std::unexpected(refuse(Outcome::MfaAlreadyEnabled));
    return setup_of(s, user, secret, until);
}

std::optional<TotpSetup> pending_totp(Services& s, const User& user) {
    const auto row = store::MfaStore(s.db).find_totp(user.id);
    if (!row || row->confirmed_at || row->pending_until <= s.now()) return std::nullopt;
    const auto secret = open_secret(s, *row);
    if (!secret) return std::nullopt;
    return setup_of(s, user, *secret, row->pending_until);
}

std::expected<std::vector<std::string>, Refusal> confirm_totp(Services& s, const User& user, std::string_view code,
                                                              std::string_view ip) {
    const auto row = store::MfaStore(s.db).find_totp(user.id);
    if (row && row->confirmed_at) return std::unexpected(refuse(Outcome::MfaAlreadyEnabled));
    if (!row || row->pending_until <= s.now()) return std::unexpected(refuse(Outcome::MfaNotPending));
    const auto secret = open_secret(s, *row);
    const auto step = secret ? totp_match(*secret, s.now(), normalized(code)) : std::nullopt;
    if (!step) return std::unexpected(refuse(Outcome::CodeInvalid));
    store::Transaction tx(s.db);
    store::MfaStore(s.db).confirm(user.id, core::iso8601_utc(s.now()), *step);
    auto codes = store_new_codes(s, user.id);
    audit(s, user_actor(user, ip), user.id, "mfa_enable", "authenticator app (TOTP) set up; 10 recovery codes");
    mail_notice(s, user, core::N_("Two-factor authentication was turned on"),
                core::N_("Two-factor authentication was turned on for your account: signing in now also asks for a code "
                         "from your authenticator app."));
    tx.commit();
    return codes;
}

std::expected<std::vector<std::string>, Refusal> regenerate_recovery_codes(Services& s, const User& user,
                                                                           const MfaProof& proof, std::string_view ip) {
    const auto row = confirmed_row(s, user.id);
    if (!row) return std::unexpected(refuse(Outcome::MfaNotEnabled));
    if (auto proved = check_proof(s, user, *row, proof); !proved) return std::unexpected(proved.error());
    store::Transaction tx(s.db);
    auto codes = store_new_codes(s, user.id);
    audit(s, user_actor(user, ip), user.id, "mfa_recovery_codes", "10 new recovery codes; the earlier ones no longer work");
    mail_notice(s, user, core::N_("New recovery codes were made"),
                core::N_("New recovery codes were made for your account; the earlier ones no longer work."));
    tx.commit();
    return codes;
}

std::expected<void, Refusal> disable_totp(Services& s, const User& user, const MfaProof& proof, std::string_view ip) {
    const auto row = confirmed_row(s, user.id);
    if (!row) return std::unexpected(refuse(Outcome::MfaNotEnabled));
    if (auto proved = check_proof(s, user, *row, proof); !proved) return std::unexpected(proved.error());
    store::Transaction tx(s.db);
    store::MfaStore(s.db).remove_all(user.id);
    audit(s, user_actor(user, ip), user.id, "mfa_disable", "authenticator app and recovery codes removed");
    mail_notice(s, user, core::N_("Two-factor authentication was turned off"),
                core::N_("Two-factor authentication was turned off for your account: signing in asks only for the password now."));
    tx.commit();
    return {};
}

bool reset_mfa(Services& s, const Actor& actor, const User& user) {
    store::Transaction tx(s.db);
    const bool had = store::MfaStore(s.db).remove_all(user.id);
    if (!had) return false;
    audit(s, actor, user.id, "mfa_reset", "authenticator app and recovery codes removed");
    mail_notice(s, user, core::N_("Two-factor authentication was reset"),
                core::N_("An administrator removed the authenticator app and the recovery codes of your account. Set up "
                         "two-factor authentication again from your account page."));
    tx.commit();
    return true;
}

std::expected<std::string, Refusal> check_second_factor(Services& s, const User& user, std::string_view code,
                                                        std::string_view ip) {
    const auto row = confirmed_row(s, user.id);
    if (!row) return std::unexpected(refuse(Outcome::CodeInvalid));
    const std::string typed = normalized(code);
    if (is_totp_code(typed)) {
        if (spend_totp(s, *row, typed)) return std::string("totp");
        return std::unexpected(refuse(Outcome::CodeInvalid));
    }
    if (typed.size() != 10) return std::unexpected(refuse(Outcome::CodeInvalid));
    const std::string hash = recovery_hash(s, user.id, typed);
    store::MfaStore store(s.db);
    std::optional<std::int64_t> match;
    for (const auto& stored : store.unused_codes(user.id))  // every one compared, in constant time
        if (core::constant_time_equals(stored.code_hash, hash)) match = stored.id;
    if (!match) return std::unexpected(refuse(Outcome::CodeInvalid));
    store::Transaction tx(s.db);
    if (!store.use_code(*match, core::iso8601_utc(s.now()))) return std::unexpected(refuse(Outcome::CodeInvalid));
    const auto left = store.count_unused(user.id);
    audit(s, user_actor(user, ip), user.id, "mfa_recovery_code_used", std::to_string(left) + " recovery code(s) left");
    mail_notice(s, user, core::N_("A recovery code was used"),
                core::N_("A recovery code was used to sign in to your account; recovery codes left: {left}. If this was "
                         "not you, change your password and make new recovery codes now."),
                std::to_string(left));
    tx.commit();
    return std::string("recovery code");
}

namespace {
std::string remember_state(Services& s, const User& user) {
    const auto row = store::MfaStore(s.db).find_totp(user.id);
    return user.password_hash + "|" + (row ? row->sealed_secret + "|" + row->confirmed_at.value_or("") : std::string());
}
}  // namespace

std::string remember_browser_token(Services& s, const User& user) {
    return s.signer.make("mfa-remember-browser", user.id, kRememberBrowserSeconds, remember_state(s, user));
}

bool browser_remembered(Services& s, const User& user, std::string_view token) {
    if (token.empty()) return false;
    const auto claims = s.signer.read(token);
    if (!claims || claims->user_id != user.id) return false;
    return s.signer.verify(token, "mfa-remember-browser", remember_state(s, user)) == TokenCheck::Valid;
}

}  // namespace gatehouse::accounts
