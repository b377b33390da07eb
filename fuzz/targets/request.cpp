// SPDX-License-Identifier: Apache-2.0
// FastCGI params into a Request, then what the dispatcher reads of it first:
// the request id, the headers, the body by its Content-Type. The input is
// "NAME=value" lines (REQUEST_METHOD=GET, REQUEST_URI=/api/posts?x,
// HTTP_IF_MATCH=...), then an empty line and the body. The same params go in
// as libfcgi hands them over (NUL-terminated strings, fromEnvironment) and as
// pairs (fromParams); without a NUL byte both requests are the same.
#include "http/request.h"

#include <string>
#include <vector>

#include "common.h"
#include "http/api_error.h"
#include "http/body.h"
#include "http/request_id.h"

namespace {

using restd::http::Request;

void use(Request& req, std::string_view body) {
    FUZZ_CHECK(!req.path().empty());
    FUZZ_CHECK(fuzz::isUtf8(req.path()));
    req.setRequestId(restd::http::pickRequestId(req));
    FUZZ_CHECK(restd::http::isValidRequestId(req.requestId()));
    for (std::string_view name : {"content-type", "authorization", "if-match", "if-none-match",
                                  "origin", "x-request-id", "idempotency-key"}) {
        (void)req.header(name);
    }
    req.mutableBody().assign(body);
    try {
        (void)restd::http::parseBody(req.header("content-type").value_or(""), req.body());
    } catch (const restd::http::ApiError& e) {
        FUZZ_CHECK(e.status() == 400 || e.status() == 415);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::text(data, size);
    size_t blank = in.find("\n\n");
    std::string_view head = in.substr(0, blank);
    std::string_view body =
        blank == std::string_view::npos ? std::string_view{} : in.substr(blank + 2);

    restd::http::Params params;
    std::vector<std::string> lines;
    while (!head.empty()) {
        auto [line, next] = fuzz::firstLine(head);
        head = next;
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        params.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        lines.emplace_back(line);
    }
    std::vector<const char*> envp;
    for (const std::string& line : lines) envp.push_back(line.c_str());
    envp.push_back(nullptr);

    Request fromEnv = Request::fromEnvironment(envp.data());
    Request fromPairs = Request::fromParams(params);
    if (in.substr(0, blank).find('\0') == std::string_view::npos) {
        FUZZ_CHECK(fromEnv.method() == fromPairs.method());
        FUZZ_CHECK(fromEnv.path() == fromPairs.path());
        FUZZ_CHECK(fromEnv.queryString() == fromPairs.queryString());
        FUZZ_CHECK(fromEnv.contentLength() == fromPairs.contentLength());
        FUZZ_CHECK(fromEnv.header("content-type") == fromPairs.header("content-type"));
    }
    use(fromEnv, body);
    use(fromPairs, body);
    return 0;
}
