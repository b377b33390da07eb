// The JWT parser and verifier. The first byte picks how the rest is used:
//   0: the token as a client sends it (mostly refused at the signature);
//   1: "header JSON\npayload JSON", encoded and signed here with the secret,
//      so that the header and claims readers see arbitrary JSON behind a
//      valid signature;
//   2: the payload JSON alone, behind restd's own header, signed.
// Accepted claims always meet the rules jwt.h states, and signing them again
// gives a token that verifies to the same claims.
#include "auth/jwt.h"

#include <string>
#include <variant>

#include "common.h"
#include "common/base64.h"
#include "common/digest.h"

namespace {

constexpr std::string_view kSecret = "fuzz-secret-of-at-least-32-bytes!";
constexpr int64_t kNow = 1700000000;

std::string sign(std::string_view header, std::string_view payload) {
    using restd::common::base64UrlEncode;
    std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
    return input + "." + base64UrlEncode(restd::common::hmacSha256(kSecret, input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace restd::auth;
    if (size == 0) return 0;
    std::string_view rest = fuzz::text(data + 1, size - 1);
    std::string token;
    switch (data[0] % 3) {
        case 0:
            token = rest;
            break;
        case 1: {
            auto [header, payload] = fuzz::firstLine(rest);
            token = sign(header, payload);
            break;
        }
        default:
            token = sign(R"({"alg":"HS256","typ":"JWT"})", rest);
    }
    auto result = verifyToken(token, kSecret, kNow);
    FUZZ_CHECK(std::holds_alternative<TokenError>(verifyToken(token, "another secret", kNow)));
    const auto* claims = std::get_if<Claims>(&result);
    if (!claims) return 0;
    FUZZ_CHECK(claims->sub > 0);
    FUZZ_CHECK(claims->role == "user" || claims->role == "admin");
    FUZZ_CHECK(claims->iat <= kNow + kLeewaySeconds);
    FUZZ_CHECK(claims->nbf <= kNow + kLeewaySeconds);
    FUZZ_CHECK(claims->exp > kNow - kLeewaySeconds);
    FUZZ_CHECK(!checkTimes(*claims, kNow));

    auto again = verifyToken(signToken(*claims, kSecret), kSecret, kNow);
    const auto* same = std::get_if<Claims>(&again);
    FUZZ_CHECK(same != nullptr);
    FUZZ_CHECK(same->sub == claims->sub && same->role == claims->role && same->ver == claims->ver &&
               same->iat == claims->iat && same->exp == claims->exp);
    return 0;
}
