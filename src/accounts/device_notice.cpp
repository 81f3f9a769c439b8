#include "gatehouse/accounts/device_notice.hpp"

#include "gatehouse/accounts/logins.hpp"
#include "gatehouse/accounts/notifier.hpp"
#include "gatehouse/core/catalog.hpp"
#include "gatehouse/core/clock.hpp"
#include "gatehouse/core/crypto.hpp"
#include "gatehouse/store/seen_devices.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace gatehouse::accounts {

std::string device_network(std::string_view ip) {
    const std::string text(ip);
    unsigned char bytes[16] = {};
    char out[INET6_ADDRSTRLEN] = {};
    if (::inet_pton(AF_INET, text.c_str(), bytes) == 1) {
        bytes[3] = 0;
        ::inet_ntop(AF_INET, bytes, out, sizeof out);
        return std::string(out) + "/24";
    }
    if (::inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
        static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
        if (std::memcmp(bytes, kMapped, sizeof kMapped) == 0) {
            bytes[15] = 0;
            ::inet_ntop(AF_INET, bytes + 12, out, sizeof out);
            return std::string(out) + "/24";
        }
        std::memset(bytes + 8, 0, 8);
        ::inet_ntop(AF_INET6, bytes, out, sizeof out);
        return std::string(out) + "/64";
    }
    return text;
}

std::string device_key(const ClientInfo& client) {
    return core::hex_encode(core::sha256(client.user_agent + "\n" + device_network(client.ip)));
}

void notice_new_device(Services& s, const User& user, const ClientInfo& client) {
    store::SeenDeviceStore seen(s.db);
    const auto now = s.now();
    const std::string key = device_key(client);
    const auto last = seen.last_seen(user.id, key);
    const bool first_device = !last && !seen.any(user.id);
    const bool is_new = !last || *last < now - kDeviceMemorySeconds;
    seen.record(user.id, key, now, now - kDeviceMemorySeconds);
    if (!is_new || first_device || !user.email || !s.config.new_device_mail) return;
    const auto language = mail_language(user, s.config);
    ctemplate::TemplateDictionary dict("new_device");
    dict.SetValue("SITE_URL", s.site_url());
    dict.SetValue("DEVICE", translated_device(s.templates.translations().catalog(language), describe_device(client.user_agent)));
    // TRANSLATORS: the new-device mail's IP address when it is not known.
    dict.SetValue("IP", client.ip.empty() ? mail_text(s.templates, language, core::N_("unknown")) : client.ip);
    const std::string when = core::iso8601_utc(now);  // "2026-11-21T11:13:39Z" → "2026-11-21 11:13:39 UTC"
    dict.SetValue("TIME", when.size() >= 19 ? when.substr(0, 10) + " " + when.substr(11, 8) + " UTC" : when);
    Notifier(s.templates, s.db).email(*user.email, "new_device", dict, now, language);
}

}  // namespace gatehouse::accounts
