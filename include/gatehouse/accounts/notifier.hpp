#pragma once
// What the user is told by mail or SMS. Messages go into the outbox (store::OutboxStore) inside the
// caller's transaction, so they commit with the change that caused them; the mailer process sends them.
#include "gatehouse/core/config.hpp"
#include "gatehouse/core/templates.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/outbox.hpp"
#include "gatehouse/store/users.hpp"

#include <ctemplate/template.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::accounts {

// The language a user's mails are written in: the one the user last used the site in, else
// GATEHOUSE_LANGUAGE.
inline std::string_view mail_language(const store::User& user, const core::Config& config) {
    return user.language.empty() ? std::string_view(config.language) : std::string_view(user.language);
}

// A message marked core::N_ that C++ puts into a mail (a value of its dictionary), in `language`.
inline std::string mail_text(const core::Templates& templates, std::string_view language, std::string_view msgid) {
    return std::string(templates.translations().catalog(language).translate(msgid));
}

class Notifier {
public:
    Notifier(const core::Templates& templates, store::Database& db);

    // Renders templates/email/<name>.subject.txt, <name>.txt and <name>.html with dict and enqueues
    // one email (caller holds the transaction). The mails and the values they use:
    //   verify            SITE_URL, VERIFY_URL, CODE (6 digits, 10 minutes)
    //   password_reset    SITE_URL, RESET_URL (1 hour), CODE (for API clients)
    //   password_changed  SITE_URL
    //   email_changed     SITE_URL, NEW_EMAIL, UNDO_URL (7 days) (send it to the old address)
    //   email_change      SITE_URL, CONFIRM_URL (3 days), CODE (10 minutes) (send it to the new address)
    //   phone_changed     SITE_URL
    //   mfa_changed       SITE_URL, TITLE (the subject), WHAT (a sentence): two-factor notices
    // SITE_URL has no trailing slash, e.g. "https://localhost:8443". The HTML part is placed in
    // email/layout.html, for which dict gains CONTENT and SUBJECT. `language`: the mail's
    // (mail_language), one of the templates' languages; any other is English.
    void email(std::string_view to, std::string_view name, ctemplate::TemplateDictionary& dict,
               std::int64_t now, std::string_view language);

    // Renders templates/sms/<name>.txt with dict in `language` (as email) and enqueues one SMS of that
    // text, without its trailing newline (caller holds the transaction). The texts: otp and
    // phone_login, each with CODE.
    void sms(std::string_view to, std::string_view name, const ctemplate::TemplateDictionary& dict,
             std::int64_t now, std::string_view language);

private:
    const core::Templates& templates_;
    store::OutboxStore outbox_;
};

}  // namespace gatehouse::accounts
