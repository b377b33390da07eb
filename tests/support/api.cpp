// SPDX-License-Identifier: Apache-2.0
#include "api.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pwd.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

#include "checks.h"
#include "stack.h"

namespace restd::test::api {

namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base36(uint64_t n) {
    constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[n % 36]);
        n /= 36;
    } while (n != 0);
    return out;
}

// Login and register are in nginx's auth zone (restd.conf).
bool isAuthZonePath(std::string_view path) {
    std::string_view p = path.substr(0, path.find('?'));
    if (p.ends_with('/')) p.remove_suffix(1);
    return p == "/api/v1/auth/login" || p == "/api/v1/auth/register";
}

// Single-quoted shell word.
std::string shellQuote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

Account accountFromAuthResult(const rapidjson::Document& body, const std::string& password) {
    Account account;
    account.id = intAt(body, "data.user.id").value_or(0);
    account.email = jsonString(body, "data.user.email");
    account.username = jsonString(body, "data.user.username");
    account.role = jsonString(body, "data.user.role");
    account.password = password;
    account.token = jsonString(body, "data.token");
    account.refreshToken = jsonString(body, "data.refreshToken");
    return account;
}

}  // namespace

// ---- JSON text --------------------------------------------------------------

std::string str(std::string_view s) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string object(std::initializer_list<std::pair<std::string_view, std::string>> members) {
    std::string out = "{";
    for (const auto& [name, value] : members) {
        if (out.size() > 1) out += ',';
        out += str(name) + ":" + value;
    }
    return out + "}";
}

std::vector<std::string> memberNames(const rapidjson::Value* value) {
    std::vector<std::string> names;
    if (value == nullptr || !value->IsObject()) return names;
    for (const auto& member : value->GetObject()) {
        names.emplace_back(member.name.GetString(), member.name.GetStringLength());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<int64_t> intAt(const rapidjson::Value& root, std::string_view path) {
    if (!root.IsObject() && !root.IsArray()) return std::nullopt;
    const rapidjson::Value* value = jsonAt(root, path);
    if (value == nullptr || !value->IsInt64()) return std::nullopt;
    return value->GetInt64();
}

std::vector<int64_t> idsAt(const rapidjson::Value& root, std::string_view path) {
    std::vector<int64_t> ids;
    if (!root.IsObject()) return ids;
    const rapidjson::Value* array = jsonAt(root, path);
    if (array == nullptr || !array->IsArray()) return ids;
    for (const auto& item : array->GetArray()) {
        if (item.IsObject() && item.HasMember("id") && item["id"].IsInt64()) {
            ids.push_back(item["id"].GetInt64());
        } else {
            ids.push_back(-1);
        }
    }
    return ids;
}

bool isIsoMillis(const std::string& s) {
    constexpr std::string_view kShape = "0000-00-00T00:00:00.000Z";  // 0: a digit
    if (s.size() != kShape.size()) return false;
    for (size_t i = 0; i < kShape.size(); ++i) {
        bool ok = kShape[i] == '0' ? (s[i] >= '0' && s[i] <= '9') : s[i] == kShape[i];
        if (!ok) return false;
    }
    return true;
}

// ---- Requests ---------------------------------------------------------------

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

HttpResponse send(std::string_view method, std::string_view path, const std::string& token,
                  const std::string& jsonBody, std::vector<std::string> headers,
                  RequestOptions options) {
    if (!token.empty()) headers.push_back(bearer(token));
    if (!jsonBody.empty()) headers.emplace_back("Content-Type: application/json");
    if (options.sourceAddress.empty() && isAuthZonePath(path)) {
        options.sourceAddress = nextPoolAddress();
    }
    HttpResponse response = request(method, stack().url(path), headers, jsonBody, options);
    checkNoPasswordHash(response);
    return response;
}

HttpResponse sendRaw(std::string_view method, std::string_view path, const std::string& token,
                     const std::string& contentType, const std::string& body) {
    std::vector<std::string> headers = {"Content-Type: " + contentType};
    if (!token.empty()) headers.push_back(bearer(token));
    RequestOptions options;
    if (isAuthZonePath(path)) options.sourceAddress = nextPoolAddress();
    HttpResponse response = request(method, stack().url(path), headers, body, options);
    checkNoPasswordHash(response);
    return response;
}

std::string queryEscape(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
            u == '-' || u == '.' || u == '_' || u == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::string urlEncoded(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += queryEscape(name) + "=" + queryEscape(value);
    }
    return out;
}

std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        out += "--" + std::string(kBoundary) + "\r\n";
        out += "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
        out += value + "\r\n";
    }
    return out + "--" + std::string(kBoundary) + "--\r\n";
}

std::string nextPoolAddress() {
    static std::atomic<unsigned> next{0};
    return "127.0.1." + std::to_string(1 + next++ % 250);
}

// ---- Accounts ---------------------------------------------------------------

std::string uniqueName(std::string_view prefix) {
    static std::atomic<uint64_t> counter{0};
    return std::string(prefix) + base36(static_cast<uint64_t>(getpid())) + "n" + base36(++counter);
}

std::string uniqueEmail(std::string_view prefix) { return uniqueName(prefix) + "@example.com"; }

Account registerAccount(std::string_view prefix) {
    const std::string name = uniqueName(prefix);
    const std::string email = name + "@example.com";
    HttpResponse response = send(
        "POST", "/api/v1/auth/register", {},
        object({{"email", str(email)}, {"username", str(name)}, {"password", str(kPassword)}}));
    BOOST_REQUIRE_MESSAGE(response.status == 201,
                          "register " << name << ": " << response.summary());
    Account account = accountFromAuthResult(json(response.body), std::string(kPassword));
    BOOST_REQUIRE_MESSAGE(account.id > 0 && !account.token.empty(),
                          "register " << name << ": " << response.summary());
    return account;
}

HttpResponse login(const std::string& email, const std::string& password) {
    return send("POST", "/api/v1/auth/login", {},
                object({{"email", str(email)}, {"password", str(password)}}));
}

void relogin(Account& account) {
    HttpResponse response = login(account.email, account.password);
    BOOST_REQUIRE_MESSAGE(response.status == 200,
                          "login " << account.email << ": " << response.summary());
    rapidjson::Document body = json(response.body);
    account.token = jsonString(body, "data.token");
    account.refreshToken = jsonString(body, "data.refreshToken");
}

Account createAccount(std::string_view role, std::string_view prefix) {
    const std::string name = uniqueName(prefix);
    Account account;
    account.email = name + "@example.com";
    account.username = name;
    account.password = std::string(kPassword);
    HttpResponse response = send("POST", "/api/v1/users", admin().token,
                                 object({{"email", str(account.email)},
                                         {"username", str(name)},
                                         {"password", str(kPassword)},
                                         {"role", str(role)}}));
    BOOST_REQUIRE_MESSAGE(response.status == 201,
                          "admin POST /api/v1/users " << name << ": " << response.summary());
    rapidjson::Document body = json(response.body);
    account.id = intAt(body, "data.id").value_or(0);
    account.role = jsonString(body, "data.role");
    BOOST_REQUIRE_MESSAGE(account.id > 0, response.summary());
    relogin(account);
    return account;
}

const Account& admin() {
    static Account account;
    static std::chrono::steady_clock::time_point loggedInAt;
    // Access tokens live 15 min: log in again well before that.
    if (account.token.empty() ||
        std::chrono::steady_clock::now() - loggedInAt > std::chrono::minutes(10)) {
        const std::string email = stack().env("ADMIN_EMAIL");
        const std::string password = stack().env("ADMIN_PASSWORD");
        HttpResponse response = login(email, password);
        BOOST_REQUIRE_MESSAGE(response.status == 200, "admin login: " << response.summary());
        account = accountFromAuthResult(json(response.body), password);
        BOOST_REQUIRE_MESSAGE(account.role == "admin", "seeded admin: " << response.summary());
        loggedInAt = std::chrono::steady_clock::now();
    }
    return account;
}

int64_t createPost(const Account& author, const std::string& title, bool published,
                   const std::string& body) {
    HttpResponse response = send("POST", "/api/v1/posts", author.token,
                                 object({{"title", str(title)},
                                         {"body", str(body)},
                                         {"published", published ? "true" : "false"}}));
    BOOST_REQUIRE_MESSAGE(response.status == 201, "POST /api/v1/posts: " << response.summary());
    rapidjson::Document doc = json(response.body);
    int64_t id = intAt(doc, "data.id").value_or(0);
    BOOST_REQUIRE_MESSAGE(id > 0, response.summary());
    return id;
}

// ---- JWT --------------------------------------------------------------------

std::string base64UrlEncode(std::string_view in) {
    std::string out;
    size_t i = 0;
    auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        for (int shift : {18, 12, 6, 0}) out += kBase64Url[(v >> shift) & 63];
    }
    if (in.size() - i == 1) {
        uint32_t v = byte(i) << 16;
        for (int shift : {18, 12}) out += kBase64Url[(v >> shift) & 63];
    } else if (in.size() - i == 2) {
        uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
        for (int shift : {18, 12, 6}) out += kBase64Url[(v >> shift) & 63];
    }
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view in) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const char* at = std::find(kBase64Url, kBase64Url + 64, c);
        if (at == kBase64Url + 64) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(at - kBase64Url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

std::string hmac(Hmac alg, std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const EVP_MD* md = alg == Hmac::Sha256 ? EVP_sha256() : EVP_sha512();
    if (HMAC(md, key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
             &len) == nullptr) {
        throw std::runtime_error("HMAC failed");
    }
    return std::string(reinterpret_cast<char*>(mac), len);
}

std::string sha256Hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
    }
    return out;
}

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string jwtSecret() { return stack().env("JWT_SECRET"); }

std::string signJwt(std::string_view headerJson, std::string_view payloadJson,
                    std::string_view secret, Hmac alg) {
    std::string input = base64UrlEncode(headerJson) + "." + base64UrlEncode(payloadJson);
    return input + "." + base64UrlEncode(hmac(alg, secret, input));
}

std::string claims(int64_t sub, std::string_view role, int64_t ver, int64_t iat, int64_t exp,
                   std::string_view iss) {
    return object({{"sub", str(std::to_string(sub))},
                   {"role", str(role)},
                   {"ver", std::to_string(ver)},
                   {"iat", std::to_string(iat)},
                   {"exp", std::to_string(exp)},
                   {"iss", str(iss)}});
}

std::string mintToken(int64_t sub, std::string_view role, int64_t ver, int64_t iat, int64_t exp) {
    return signJwt(kJwtHeader, claims(sub, role, ver, iat, exp), jwtSecret());
}

rapidjson::Document tokenPayload(const std::string& token) {
    size_t first = token.find('.');
    size_t second = first == std::string::npos ? first : token.find('.', first + 1);
    std::optional<std::string> payload;
    if (second != std::string::npos) {
        payload = base64UrlDecode(std::string_view(token).substr(first + 1, second - first - 1));
    }
    return json(payload.value_or("<not a JWT>"));
}

// ---- Checks -----------------------------------------------------------------

std::vector<Detail> details(const rapidjson::Value& body) {
    std::vector<Detail> out;
    if (!body.IsObject()) return out;
    const rapidjson::Value* array = jsonAt(body, "details");
    if (array == nullptr || !array->IsArray()) return out;
    for (const auto& item : array->GetArray()) {
        out.push_back(
            {jsonString(item, "field"), jsonString(item, "message"), jsonString(item, "location")});
    }
    return out;
}

std::vector<Detail> checkValidation(const HttpResponse& response,
                                    std::vector<std::pair<std::string, std::string>> expected) {
    rapidjson::Document body = checkError(response, 400, "VALIDATION_ERROR");
    const rapidjson::Value* array = body.IsObject() ? jsonAt(body, "details") : nullptr;
    BOOST_CHECK_MESSAGE(array != nullptr && array->IsArray(),
                        "details is not an array: " << response.summary());
    std::vector<Detail> found = details(body);
    std::vector<std::pair<std::string, std::string>> actual;
    for (const Detail& d : found) {
        actual.emplace_back(d.field, d.location);
        BOOST_CHECK_MESSAGE(!d.message.empty() && d.message != "<missing>",
                            "detail for " << d.field << " has no message: " << response.summary());
    }
    std::sort(actual.begin(), actual.end());
    std::sort(expected.begin(), expected.end());
    auto describe = [](const std::vector<std::pair<std::string, std::string>>& list) {
        std::string text;
        for (const auto& [field, location] : list) {
            text += (text.empty() ? "" : ", ") + field + "@" + location;
        }
        return "[" + text + "]";
    };
    BOOST_CHECK_MESSAGE(actual == expected, "details (field@location) are "
                                                << describe(actual) << ", expected "
                                                << describe(expected) << ": "
                                                << response.summary());
    return found;
}

void checkNoPasswordHash(const HttpResponse& response) {
    // Keys anywhere in the document (a detail may name the field as a value).
    std::function<bool(const rapidjson::Value&)> hasHashKey = [&](const rapidjson::Value& v) {
        if (v.IsObject()) {
            for (const auto& member : v.GetObject()) {
                std::string_view name(member.name.GetString(), member.name.GetStringLength());
                if (iequals(name, "passwordHash") || iequals(name, "password_hash")) return true;
                if (hasHashKey(member.value)) return true;
            }
        } else if (v.IsArray()) {
            for (const auto& item : v.GetArray()) {
                if (hasHashKey(item)) return true;
            }
        }
        return false;
    };
    rapidjson::Document body = json(response.body);
    BOOST_CHECK_MESSAGE(body.HasParseError() || !hasHashKey(body),
                        "the response has a password hash key: " << response.summary());
    for (const char* prefix : {"$2b$", "$2y$", "$2a$"}) {
        BOOST_CHECK_MESSAGE(response.body.find(prefix) == std::string::npos,
                            "the response carries a bcrypt hash: " << response.summary());
    }
}

// ---- White box --------------------------------------------------------------

Trigger::Trigger(std::string name, const std::string& definition) : name_(std::move(name)) {
    BOOST_REQUIRE(sql("DROP TRIGGER IF EXISTS " + name_));
    // The client's DELIMITER lets the body hold semicolons.
    BOOST_REQUIRE_MESSAGE(sql("DELIMITER //\nCREATE TRIGGER " + name_ + " " + definition + "//"),
                          "cannot create trigger " << name_);
}

void Trigger::drop() {
    if (!name_.empty()) sql("DROP TRIGGER IF EXISTS " + name_);
    name_.clear();
}

namespace {

// Runs a mariadb client command line; its output, or nullopt when it failed.
std::optional<std::string> runMariadb(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
    if (!pipe) return std::nullopt;
    std::string out;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
    int status = pclose(pipe.release());
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        BOOST_TEST_MESSAGE("mariadb failed: " << out);
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<std::string> sql(const std::string& statement) {
    const Stack& s = stack();
    return runMariadb(
        "MYSQL_PWD=" + shellQuote(s.env("DB_PASSWORD")) +
        " mariadb --batch --skip-column-names --socket=" + shellQuote(s.env("DB_SOCKET")) +
        " --user=" + shellQuote(s.env("DB_USER")) + " --database=" + shellQuote(s.env("DB_NAME")) +
        " --execute=" + shellQuote(statement));
}

std::optional<std::string> adminSql(const std::string& statement) {
    const passwd* user = getpwuid(geteuid());
    if (user == nullptr) return std::nullopt;
    return runMariadb("mariadb --no-defaults --batch --skip-column-names --socket=" +
                      shellQuote(stack().env("DB_SOCKET")) + " --user=" +
                      shellQuote(user->pw_name) + " --execute=" + shellQuote(statement));
}

}  // namespace restd::test::api
