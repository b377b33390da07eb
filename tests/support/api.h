// SPDX-License-Identifier: Apache-2.0
// Helpers of the resource integration tests (auth, users, posts), on top of
// http_client.h and checks.h: JSON text building, API calls with a bearer
// token, accounts (register, admin-created, the seeded admin), JWTs minted
// with the stack's secret (to forge or expire tokens), names unique per run,
// the validation-error shape of docs/api.md, and white-box SQL through the mariadb
// client on the stack's socket.
//
// Every response that passes through send() is checked (non-fatally) never to
// carry a password hash. Calls to the strict auth zone (login, register) go out
// from a rotating pool of loopback addresses (127.0.1.x), so that setup traffic
// never exhausts an nginx limit_req bucket; the rate-limit tests use their own
// addresses (127.0.0.7 .. 127.0.0.10) and send from them explicitly.
//
// Not thread-safe (Boost.Test checks); a helper thread uses request() directly.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_client.h"

namespace restd::test::api {

// ---- JSON text --------------------------------------------------------------

// A JSON string literal of s (quotes and escapes added).
std::string str(std::string_view s);
// {"name":value,...}; values are JSON text already (str("x"), "true", "42").
std::string object(std::initializer_list<std::pair<std::string_view, std::string>> members);
// member names of an object, sorted (empty when value is not an object)
std::vector<std::string> memberNames(const rapidjson::Value* value);
// The integer at path, or nullopt.
std::optional<int64_t> intAt(const rapidjson::Value& root, std::string_view path);
// Ids of the objects of the array at path ("data"), in order.
std::vector<int64_t> idsAt(const rapidjson::Value& root, std::string_view path = "data");
// True when s is "2026-11-22T23:34:45.123Z"-shaped.
bool isIsoMillis(const std::string& s);

// ---- Requests ---------------------------------------------------------------

// Authorization header line for a bearer token.
std::string bearer(const std::string& token);

// One request to the stack over plain HTTP. token: bearer token (empty: none).
// jsonBody: sent with Content-Type application/json when not empty.
HttpResponse send(std::string_view method, std::string_view path, const std::string& token = {},
                  const std::string& jsonBody = {}, std::vector<std::string> headers = {},
                  RequestOptions options = {});
// A body of any Content-Type (forms, text/plain, ...).
HttpResponse sendRaw(std::string_view method, std::string_view path, const std::string& token,
                     const std::string& contentType, const std::string& body);

// application/x-www-form-urlencoded text of the pairs.
std::string urlEncoded(const std::vector<std::pair<std::string, std::string>>& fields);
// multipart/form-data body of the pairs; boundary is kBoundary.
inline constexpr std::string_view kBoundary = "restd-test-boundary-7MA4YWxkTrZu0gW";
std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields);
inline std::string multipartType() {
    return "multipart/form-data; boundary=" + std::string(kBoundary);
}
// Percent-encodes a query-string value.
std::string queryEscape(std::string_view s);

// The next address of the auth-zone pool (127.0.1.1 .. 127.0.1.250, round robin).
std::string nextPoolAddress();

// ---- Accounts ---------------------------------------------------------------

// Satisfies every password rule.
inline constexpr std::string_view kPassword = "Passw0rdOk";

// Unique within the run: prefix + the pid and a counter in base 36, only
// [a-z0-9] after the prefix (so it holds no '_' unless prefix does).
std::string uniqueName(std::string_view prefix);
// uniqueName(prefix) + "@example.com"
std::string uniqueEmail(std::string_view prefix);

struct Account {
    int64_t id = 0;
    std::string email;
    std::string username;
    std::string password;
    std::string role;
    std::string token;         // access token
    std::string refreshToken;  // empty when the account never logged in
};

// POST /api/v1/auth/register with fresh unique names; requires 201.
Account registerAccount(std::string_view prefix = "u");
// Admin POST /api/v1/users (role "user" or "admin"), then login; requires 201 and 200.
Account createAccount(std::string_view role = "user", std::string_view prefix = "c");
// POST /api/v1/auth/login from a pool address.
HttpResponse login(const std::string& email, const std::string& password);
// Logs in; requires 200 and fills token and refreshToken.
void relogin(Account& account);
// The seeded admin (ADMIN_EMAIL / ADMIN_PASSWORD), logged in once per run.
const Account& admin();

// Fresh unpublished/published post of the account; requires 201. Returns its id.
int64_t createPost(const Account& author, const std::string& title, bool published = true,
                   const std::string& body = "Body text");

// ---- JWT --------------------------------------------------------------------

enum class Hmac { Sha256, Sha512 };

std::string base64UrlEncode(std::string_view in);
std::optional<std::string> base64UrlDecode(std::string_view in);
std::string hmac(Hmac alg, std::string_view key, std::string_view data);
std::string sha256Hex(std::string_view data);  // upper-case hex

int64_t nowSeconds();
// The stack's JWT_SECRET.
std::string jwtSecret();
// header.payload.signature: base64url of both JSON texts, signed with alg and secret.
std::string signJwt(std::string_view headerJson, std::string_view payloadJson,
                    std::string_view secret, Hmac alg = Hmac::Sha256);
inline constexpr std::string_view kJwtHeader = R"({"alg":"HS256","typ":"JWT"})";
// Claims as restd issues them: sub (string), role, ver, iat, exp, iss "restd".
std::string claims(int64_t sub, std::string_view role, int64_t ver, int64_t iat, int64_t exp,
                   std::string_view iss = "restd");
// A correctly signed HS256 token with the claims above.
std::string mintToken(int64_t sub, std::string_view role, int64_t ver, int64_t iat, int64_t exp);
// The decoded payload of a JWT (a parse error when it is not one).
rapidjson::Document tokenPayload(const std::string& token);

// ---- Checks -----------------------------------------------------------------

struct Detail {
    std::string field;
    std::string message;
    std::string location;
};
// details[] of an error body.
std::vector<Detail> details(const rapidjson::Value& body);
// 400 VALIDATION_ERROR (checkError) whose details are exactly the expected
// (field, location) pairs, in any order, each with a non-empty message.
// Returns the details.
std::vector<Detail> checkValidation(const HttpResponse& response,
                                    std::vector<std::pair<std::string, std::string>> expected);
// The body holds no password hash: no passwordHash / password_hash key, no "$2b$".
void checkNoPasswordHash(const HttpResponse& response);

// ---- White box --------------------------------------------------------------

// Runs statement with the mariadb client over DB_SOCKET (batch mode, no column
// names); returns its output, or nullopt when the client failed.
std::optional<std::string> sql(const std::string& statement);

// The same as MariaDB's administrator (the OS user, over the socket, as
// scripts/stack itself connects), for what restd's own account may not do
// (SET GLOBAL, SHOW GRANTS).
std::optional<std::string> adminSql(const std::string& statement);

// A MariaDB trigger for the length of a scope, to make a statement slow or
// fail on purpose ("BEFORE INSERT ON posts FOR EACH ROW BEGIN ... END"; the
// body may hold semicolons). Keep its condition to rows only the test
// touches. Requires the creation to succeed; drops the trigger at the end.
class Trigger {
  public:
    Trigger(std::string name, const std::string& definition);
    ~Trigger() { drop(); }
    Trigger(const Trigger&) = delete;
    Trigger& operator=(const Trigger&) = delete;
    void drop();

  private:
    std::string name_;
};

}  // namespace restd::test::api
