#pragma once
// systemd's readiness protocol for `Type=notify` (sd_notify(3)), sent by the master only. Each call is
// a no-op when NOTIFY_SOCKET is not set (make run, the tests); a failed send is not an error either.
#include <string>

namespace gatehouse::server {

void notify_ready(const std::string& status);  // READY=1, MAINPID and STATUS
void notify_reloading();                       // RELOADING=1 (SIGHUP); notify_ready again once done
void notify_stopping();                        // STOPPING=1 (the drain begins)

}  // namespace gatehouse::server
