#pragma once
// The new-device notice (README: New-device notice): every login records its device — the user agent
// and the network (IPv4 /24, IPv6 /64), hashed — and a login from a device not seen for this user in
// the last 90 days mails the user ("A new sign-in to your account": device, IP, time, a link to the
// devices page). The user's first recorded login is not mailed: that is the account's first device
// (or the first since this notice came in), and the user who just signed up knows it. Users without
// an email (phone login) get no notice. GATEHOUSE_NEW_DEVICE_MAIL=0 records devices but mails nothing.
#include "gatehouse/accounts/services.hpp"
#include "gatehouse/accounts/user.hpp"

#include <string>
#include <string_view>

namespace gatehouse::accounts {

inline constexpr std::int64_t kDeviceMemorySeconds = 90 * 86400;

// The network a login comes from: "203.0.113.0/24", "2001:db8:1:2::/64" (an IPv4-mapped IPv6 address
// counts as IPv4); anything that is not an IP address, as given.
std::string device_network(std::string_view ip);
// The device's key in seen_devices: hex SHA-256 of the user agent and the network.
std::string device_key(const ClientInfo& client);

// Records this login's device and queues the mail when it is new. In the caller's transaction: the
// login's (accounts::log_in calls it).
void notice_new_device(Services& services, const User& user, const ClientInfo& client);

}  // namespace gatehouse::accounts
