// SPDX-License-Identifier: Apache-2.0
// One request over FastCGI, once a connection has one: its parameters and
// body read into an http::Request, the dispatcher's http::Response written
// back, the metrics and the access log line recorded. Apart from the accept
// loop, which decides which connection is served when and what becomes of it.
#pragma once

#include <fcgiapp.h>

#include <string>

#include "app/dispatcher.h"
#include "app/watchdog.h"
#include "config/config.h"
#include "http/response.h"

namespace restd::app {

// Serves the request FCGX_Accept_r just read on `fcgi`; `slot` shows it to the
// watchdog meanwhile. `res` and `out` are the thread's, reused between requests.
void serveOne(const config::Config& config, const Dispatcher& dispatcher, InFlight& slot,
              FCGX_Request& fcgi, http::Response& res, std::string& out);

}  // namespace restd::app
