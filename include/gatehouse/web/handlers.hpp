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

// ops.cpp
http::Response healthz(Context& ctx, http::Request& req);
http::Response worker_status(Context& ctx, http::Request& req);
http::Response test_sleep(Context& ctx, http::Request& req);

}  // namespace gatehouse::web
