#pragma once
// Every handler of the route table: parse → call accounts → render. Grouped by file:
// pages_*.cpp (HTML, session), api_*.cpp (JSON), ops.cpp (health and operations).
#include "gatehouse/http/request.hpp"
#include "gatehouse/http/response.hpp"
#include "gatehouse/web/context.hpp"

namespace gatehouse::web {

using Handler = http::Response (*)(Context&, http::Request&);

// pages_home.cpp
http::Response home_page(Context& ctx, http::Request& req);
http::Response set_language_page(Context& ctx, http::Request& req);

// pages_auth.cpp
http::Response signup_page(Context& ctx, http::Request& req);
http::Response login_page(Context& ctx, http::Request& req);
http::Response logout_page(Context& ctx, http::Request& req);

// pages_verify.cpp
http::Response verify_page(Context& ctx, http::Request& req);
http::Response verify_link_page(Context& ctx, http::Request& req);

// pages_password.cpp
http::Response password_change_page(Context& ctx, http::Request& req);
http::Response password_reset_page(Context& ctx, http::Request& req);
http::Response password_reset_confirm_page(Context& ctx, http::Request& req);

// pages_profile.cpp
http::Response profile_page(Context& ctx, http::Request& req);
http::Response devices_page(Context& ctx, http::Request& req);

// pages_mfa.cpp
http::Response mfa_page(Context& ctx, http::Request& req);
http::Response login_mfa_page(Context& ctx, http::Request& req);

// pages_admin.cpp
http::Response admin_users_page(Context& ctx, http::Request& req);

// api_auth.cpp
http::Response api_register(Context& ctx, http::Request& req);
http::Response api_token_obtain(Context& ctx, http::Request& req);
http::Response api_token_refresh(Context& ctx, http::Request& req);
http::Response api_token_verify(Context& ctx, http::Request& req);
http::Response api_login(Context& ctx, http::Request& req);
http::Response api_logout(Context& ctx, http::Request& req);
http::Response api_logout_all(Context& ctx, http::Request& req);
http::Response api_verify_email(Context& ctx, http::Request& req);
http::Response api_verify_email_resend(Context& ctx, http::Request& req);
http::Response api_mfa_verify(Context& ctx, http::Request& req);

// api_mfa.cpp
http::Response api_mfa(Context& ctx, http::Request& req);
http::Response api_mfa_totp(Context& ctx, http::Request& req);
http::Response api_mfa_totp_confirm(Context& ctx, http::Request& req);
http::Response api_mfa_totp_disable(Context& ctx, http::Request& req);
http::Response api_mfa_recovery_codes(Context& ctx, http::Request& req);

// api_otp.cpp
http::Response api_otp_send(Context& ctx, http::Request& req);
http::Response api_otp_verify(Context& ctx, http::Request& req);
http::Response api_phone_login(Context& ctx, http::Request& req);
http::Response api_phone_verify(Context& ctx, http::Request& req);
http::Response api_phone_resend(Context& ctx, http::Request& req);

// api_password.cpp
http::Response api_password_change(Context& ctx, http::Request& req);
http::Response api_password_reset(Context& ctx, http::Request& req);
http::Response api_password_reset_check(Context& ctx, http::Request& req);
http::Response api_password_reset_confirm(Context& ctx, http::Request& req);

// api_me.cpp
http::Response api_me(Context& ctx, http::Request& req);
http::Response api_my_devices(Context& ctx, http::Request& req);
http::Response api_my_device(Context& ctx, http::Request& req);
http::Response api_schema(Context& ctx, http::Request& req);

// api_users.cpp
http::Response api_users(Context& ctx, http::Request& req);
http::Response api_user(Context& ctx, http::Request& req);

// issue 13, re-authentication and account changes
// reauth.cpp (also the guard, web/reauth.hpp)
http::Response reauthenticate_page(Context& ctx, http::Request& req);
http::Response api_reauthenticate(Context& ctx, http::Request& req);
// pages_account_changes.cpp
http::Response email_change_page(Context& ctx, http::Request& req);
http::Response email_confirm_link_page(Context& ctx, http::Request& req);
http::Response email_undo_page(Context& ctx, http::Request& req);
http::Response password_set_page(Context& ctx, http::Request& req);
// api_me.cpp, api_password.cpp
http::Response api_my_email_confirm(Context& ctx, http::Request& req);
http::Response api_password_set(Context& ctx, http::Request& req);

// gate.cpp
http::Response auth_check(Context& ctx, http::Request& req);

// ops.cpp
http::Response healthz(Context& ctx, http::Request& req);
http::Response worker_status(Context& ctx, http::Request& req);
http::Response metrics(Context& ctx, http::Request& req);
http::Response test_sleep(Context& ctx, http::Request& req);

}  // namespace gatehouse::web
