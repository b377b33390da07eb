// SPDX-License-Identifier: Apache-2.0
// The JWT parser and verifier, with a key set of a current and a previous
// key (a rotation). The first byte picks how the rest is used:
//   0: the token as a client sends it (mostly refused at the signature);
//   1: "header JSON\npayload JSON", encoded and signed here with the current
//      key, so that the header (kid included) and claims readers see
//      arbitrary JSON behind a valid signature;
//   2: the payload JSON alone, behind restd's own header naming the current
//      key, signed with it;
//   3: the payload JSON alone, behind the header of tokens without kid,
//      signed with the previous key.
// The set accepts a token exactly when one of its keys alone does; accepted
// claims always meet the rules jwt.h states, and signing them again gives a
// token that verifies to the same claims, under the current key only.
#include "auth/jwt.h"

#include <string>
#include <variant>

#include "common.h"
#include "common/base64.h"
#include "common/digest.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret-of-at-least-32-bytes!";
constexpr std::string_view kPrevious = "fuzz-previous-secret-of-32-bytes!";
constexpr int64_t kNow = 1700000000;

const restd::common::KeySet& keys() {
    static const restd::common::KeySet set(kSecret, {std::string(kPrevious)});
    return set;
}

std::string sign(std::string_view header, std::string_view payload, std::string_view key) {
    using restd::common::base64UrlEncode;
    std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
    return input + "." + base64UrlEncode(restd::common::hmacSha256(key, input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace restd::auth;
    using restd::common::KeySet;
    if (size == 0) return 0;
    static const KeySet current(kSecret), previous(kPrevious), another("another secret");
    std::string_view rest = fuzz::text(data + 1, size - 1);
    std::string token;
    switch (data[0] % 4) {
        case 0:
            token = rest;
            break;
        case 1: {
            auto [header, payload] = fuzz::firstLine(rest);
            token = sign(header, payload, kSecret);
            break;
        }
        case 2:
            token = sign(R"({"alg":"HS256","typ":"JWT","kid":")" + keys().current().id + R"("})",
                         rest, kSecret);
            break;
        default:
            token = sign(R"({"alg":"HS256","typ":"JWT"})", rest, kPrevious);
    }
    auto result = verifyToken(token, keys(), kNow);
    FUZZ_CHECK(std::holds_alternative<TokenError>(verifyToken(token, another, kNow)));
    bool byOne = std::holds_alternative<Claims>(verifyToken(token, current, kNow)) ||
                 std::holds_alternative<Claims>(verifyToken(token, previous, kNow));
    FUZZ_CHECK(std::holds_alternative<Claims>(result) == byOne);
    const auto* claims = std::get_if<Claims>(&result);
    if (!claims) return 0;
    FUZZ_CHECK(claims->sub > 0);
    FUZZ_CHECK(claims->role == "user" || claims->role == "admin");
    FUZZ_CHECK(claims->iat <= kNow + kLeewaySeconds);
    FUZZ_CHECK(claims->nbf <= kNow + kLeewaySeconds);
    FUZZ_CHECK(claims->exp > kNow - kLeewaySeconds);
    FUZZ_CHECK(!checkTimes(*claims, kNow));

    const std::string resigned = signToken(*claims, keys());
    auto again = verifyToken(resigned, keys(), kNow);
    const auto* same = std::get_if<Claims>(&again);
    FUZZ_CHECK(same != nullptr);
    FUZZ_CHECK(same->sub == claims->sub && same->role == claims->role && same->ver == claims->ver &&
               same->iat == claims->iat && same->exp == claims->exp);
    FUZZ_CHECK(std::holds_alternative<TokenError>(verifyToken(resigned, previous, kNow)));
    return 0;
}
