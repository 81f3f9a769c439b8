// A mail as its reader sees it: the Subject's encoded words and the text and HTML parts decoded with
// GMime (a mail in Persian goes out base64 or quoted-printable), for the tests of mails in a language.
#pragma once

#include "browser.hpp"

#include <string>

namespace gatehouse::e2e {

struct Decoded {
    std::string subject, text, html;
};

// The Subject header's RFC 2047 words decoded.
std::string subject_of(const std::string& header);
// The subject and the text/plain and text/html parts of a mail, decoded.
Decoded decode(const Mail& mail);

}  // namespace gatehouse::e2e
