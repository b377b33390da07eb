// SPDX-License-Identifier: Apache-2.0
// JWT HS256 against vectors computed elsewhere: the HS256 example token of
// RFC 7515 appendix A.1 and signatures made by the openssl command line at
// test time (HMAC-SHA256 itself: tests/unit/common/digest_test.cpp). Then the strictness of
// verifyToken: every malformed, forged or expired shape is refused.
#include "auth/jwt.h"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "common/base64.h"
#include "common/digest.h"

using namespace restd::auth;
using restd::common::base64UrlDecode;
using restd::common::base64UrlEncode;
using restd::common::hmacSha256;

namespace {

std::string hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

std::string unhex(std::string_view text) {
    std::string out;
    for (size_t i = 0; i + 1 < text.size(); i += 2) {
        out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
    }
    return out;
}

// HMAC-SHA256 by `openssl dgst`, hex. Data and key pass through files, never a shell string.
std::string opensslHmacHex(const std::string& key, const std::string& data) {
    char dir[] = "/tmp/restd-jwt-XXXXXX";
    BOOST_REQUIRE(mkdtemp(dir) != nullptr);
    std::string dataPath = std::string(dir) + "/data";
    std::unique_ptr<FILE, int (*)(FILE*)> f(fopen(dataPath.c_str(), "wb"), fclose);
    BOOST_REQUIRE(f);
    fwrite(data.data(), 1, data.size(), f.get());
    f.reset();
    // -mac HMAC -macopt hexkey: the key as hex, so any byte is safe on the command line.
    std::string command = "openssl dgst -sha256 -mac HMAC -macopt hexkey:" + hex(key) + " -r " +
                          dataPath + " 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    BOOST_REQUIRE(pipe);
    char buffer[256] = {};
    size_t n = fread(buffer, 1, sizeof buffer - 1, pipe.get());
    pipe.reset();
    std::remove(dataPath.c_str());
    rmdir(dir);
    std::string out(buffer, n);
    return out.substr(0, out.find(' '));  // "-r": "<hex> *<file>"
}

const std::string kSecret = "0123456789abcdef0123456789abcdef-test";
const restd::common::KeySet kKeys{kSecret};
constexpr int64_t kNow = 1800000000;

// A token with exactly these header and payload texts, signed with `secret`.
std::string forge(const std::string& header, const std::string& payload,
                  const std::string& secret = kSecret) {
    std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
    return input + "." + base64UrlEncode(hmacSha256(secret, input));
}

std::string payload(int64_t iat, int64_t exp, std::string_view iss = "restd") {
    return R"({"sub":"42","role":"user","ver":3,"iat":)" + std::to_string(iat) + R"(,"exp":)" +
           std::to_string(exp) + R"(,"iss":")" + std::string(iss) + R"("})";
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

bool refusedAs(const std::string& token, TokenError expected) {
    auto result = verifyToken(token, kKeys, kNow);
    return std::holds_alternative<TokenError>(result) && std::get<TokenError>(result) == expected;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_jwt)

BOOST_AUTO_TEST_CASE(signs_the_hs256_example_of_rfc_7515_appendix_a1) {
    const std::string key = unhex(
        "0323354b2b0fa5bc837e0665777ba68f5ab328e6f054c928a90f84b2d2502ebf"
        "d3fb5a92d20647ef968ab4c377623d223d2e2172052e4f08c0cd9af567d080a3");
    const std::string input =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cn"
        "VlfQ";
    BOOST_TEST(base64UrlEncode(hmacSha256(key, input)) ==
               "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

BOOST_AUTO_TEST_CASE(signed_tokens_carry_an_openssl_computed_signature_and_verify) {
    Claims claims{.sub = 42, .role = "admin", .ver = 7, .iat = kNow, .exp = kNow + 900};
    std::string token = signToken(claims, kKeys);
    size_t dot = token.rfind('.');
    BOOST_REQUIRE(dot != std::string::npos);
    std::string signature = base64UrlDecode(token.substr(dot + 1)).value_or("");
    BOOST_TEST(hex(signature) == opensslHmacHex(kSecret, token.substr(0, dot)));

    auto result = verifyToken(token, kKeys, kNow);
    BOOST_REQUIRE(std::holds_alternative<Claims>(result));
    const Claims& got = std::get<Claims>(result);
    BOOST_TEST(got.sub == 42);
    BOOST_TEST(got.role == "admin");
    BOOST_TEST(got.ver == 7);
    BOOST_TEST(got.exp - got.iat == 900);
}

BOOST_AUTO_TEST_CASE(a_forged_token_in_the_expected_shape_verifies) {
    // Guards the tests below: their tokens differ from this one in one way only.
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(kHeader, payload(kNow, kNow + 60)), kKeys, kNow)));
}

BOOST_AUTO_TEST_CASE(other_algorithms_and_none_are_refused) {
    for (const char* header :
         {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
          R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"hs256","typ":"JWT"})", R"({"typ":"JWT"})"}) {
        BOOST_TEST_CONTEXT(header) {
            BOOST_TEST(refusedAs(forge(header, payload(kNow, kNow + 60)), TokenError::Malformed));
        }
    }
    // alg none with an empty signature, as attackers send it.
    std::string none = base64UrlEncode(R"({"alg":"none"})") + "." +
                       base64UrlEncode(payload(kNow, kNow + 60)) + ".";
    BOOST_TEST(!std::holds_alternative<Claims>(verifyToken(none, kKeys, kNow)));
}

BOOST_AUTO_TEST_CASE(headers_in_other_spellings_are_read_not_just_compared) {
    // restd's own header text is recognised as it is; any other is parsed.
    for (const char* header : {R"({"typ":"JWT","alg":"HS256"})", R"({"alg":"HS256"})",
                               R"({ "alg" : "HS256", "typ" : "JWT" })"}) {
        BOOST_TEST_CONTEXT(header) {
            BOOST_TEST(std::holds_alternative<Claims>(
                verifyToken(forge(header, payload(kNow, kNow + 60)), kKeys, kNow)));
        }
    }
    BOOST_TEST(refusedAs(forge(R"({"alg":"HS256","typ":"JOSE"})", payload(kNow, kNow + 60)),
                         TokenError::Malformed));
    BOOST_TEST(refusedAs(forge(R"({"alg":"HS256","typ":7})", payload(kNow, kNow + 60)),
                         TokenError::Malformed));
}

BOOST_AUTO_TEST_CASE(claims_larger_than_the_stack_buffers_are_still_read) {
    std::string big = R"({"sub":"42","role":"user","ver":3,"iat":)" + std::to_string(kNow) +
                      R"(,"exp":)" + std::to_string(kNow + 60) + R"(,"iss":"restd","pad":[)";
    for (int i = 0; i < 200; ++i) big += (i ? ",\"" : "\"") + std::string(8, 'x') + "\"";
    big += "]}";
    BOOST_REQUIRE(big.size() > 2000);
    auto result = verifyToken(forge(kHeader, big), kKeys, kNow);
    BOOST_REQUIRE(std::holds_alternative<Claims>(result));
    BOOST_TEST(std::get<Claims>(result).sub == 42);
}

BOOST_AUTO_TEST_CASE(a_changed_payload_or_another_secret_breaks_the_signature) {
    std::string token = forge(kHeader, payload(kNow, kNow + 60));
    size_t first = token.find('.');
    size_t second = token.rfind('.');
    std::string changed = token.substr(0, first + 1) + base64UrlEncode(payload(kNow, kNow + 6000)) +
                          token.substr(second);
    BOOST_TEST(refusedAs(changed, TokenError::BadSignature));
    BOOST_TEST(refusedAs(forge(kHeader, payload(kNow, kNow + 60), kSecret + "x"),
                         TokenError::BadSignature));
    std::string flipped = token;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    BOOST_TEST(!std::holds_alternative<Claims>(verifyToken(flipped, kKeys, kNow)));
}

BOOST_AUTO_TEST_CASE(malformed_shapes_are_refused) {
    std::string good = forge(kHeader, payload(kNow, kNow + 60));
    for (
        const std::string& token :
        {std::string(), std::string("a.b"), good + ".x", good.substr(0, good.rfind('.')),
         good + "=", std::string("..."),
         forge(kHeader, R"({"sub":"42","role":"user","ver":3,"exp":1800000060,"iss":"restd"})"),
         forge(kHeader, R"({"sub":"42","role":"user","ver":3,"iat":1800000000,"iss":"restd"})"),
         forge(
             kHeader,
             R"({"sub":42,"role":"user","ver":3,"iat":1800000000,"exp":1800000060,"iss":"restd"})"),
         forge(kHeader, payload(kNow, kNow + 60, "someone-else")), forge(kHeader, "[]"),
         forge("not json", payload(kNow, kNow + 60))}) {
        BOOST_TEST_CONTEXT("token " << token) {
            BOOST_TEST(!std::holds_alternative<Claims>(verifyToken(token, kKeys, kNow)));
        }
    }
}

BOOST_AUTO_TEST_CASE(expiry_allows_the_leeway_and_no_more) {
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(kHeader, payload(kNow - 900, kNow - kLeewaySeconds + 1)), kKeys, kNow)));
    BOOST_TEST(refusedAs(forge(kHeader, payload(kNow - 900, kNow - kLeewaySeconds - 1)),
                         TokenError::Expired));
    // Issued in the future beyond the leeway: not trusted.
    BOOST_TEST(!std::holds_alternative<Claims>(
        verifyToken(forge(kHeader, payload(kNow + kLeewaySeconds + 60, kNow + 900)), kKeys, kNow)));
}

BOOST_AUTO_TEST_CASE(a_header_with_crit_or_a_name_twice_is_refused) {
    for (const char* header :
         {R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", R"({"alg":"HS256","crit":[]})",
          R"({"alg":"HS256","alg":"HS256"})", R"({"alg":"HS256","typ":"JWT","typ":"JWT"})",
          R"({"alg":"HS256","alg":"none"})"}) {
        BOOST_TEST_CONTEXT(header) {
            BOOST_TEST(refusedAs(forge(header, payload(kNow, kNow + 60)), TokenError::Malformed));
        }
    }
}

BOOST_AUTO_TEST_CASE(claims_with_a_name_twice_are_refused) {
    const std::string tail = R"(,"role":"user","ver":3,"iat":)" + std::to_string(kNow) +
                             R"(,"exp":)" + std::to_string(kNow + 60) + R"(,"iss":"restd")";
    for (const std::string& claims :
         {R"({"sub":"42","sub":"1")" + tail + "}", R"({"sub":"42")" + tail + R"(,"role":"admin"})",
          R"({"sub":"42")" + tail + R"(,"ver":4})", R"({"sub":"42")" + tail + R"(,"iss":"restd"})",
          R"({"sub":"42")" + tail + R"(,"x":1,"x":2})"}) {
        BOOST_TEST_CONTEXT(claims) {
            BOOST_TEST(refusedAs(forge(kHeader, claims), TokenError::Malformed));
        }
    }
}

BOOST_AUTO_TEST_CASE(only_the_canonical_decimal_sub_names_a_user) {
    auto withSub = [](const std::string& sub) {
        return R"({"sub":)" + sub + R"(,"role":"user","ver":3,"iat":)" + std::to_string(kNow) +
               R"(,"exp":)" + std::to_string(kNow + 60) + R"(,"iss":"restd"})";
    };
    for (const char* sub :
         {R"("03")", R"("+3")", R"(" 3")", R"("3 ")", R"("3.0")", R"("0")", R"("-3")", R"("")",
          R"("3e0")", R"("0x3")", R"("٣")", R"("99999999999999999999")", "3"}) {
        BOOST_TEST_CONTEXT(sub) {
            BOOST_TEST(refusedAs(forge(kHeader, withSub(sub)), TokenError::Malformed));
        }
    }
    auto result = verifyToken(forge(kHeader, withSub(R"("3")")), kKeys, kNow);
    BOOST_REQUIRE(std::holds_alternative<Claims>(result));
    BOOST_TEST(std::get<Claims>(result).sub == 3);
    result = verifyToken(forge(kHeader, withSub(R"("9223372036854775807")")), kKeys, kNow);
    BOOST_REQUIRE(std::holds_alternative<Claims>(result));
    BOOST_TEST(std::get<Claims>(result).sub == 9223372036854775807);
}

BOOST_AUTO_TEST_CASE(nbf_is_honoured_with_the_leeway) {
    auto withNbf = [](const std::string& nbf) {
        return R"({"sub":"42","role":"user","ver":3,"iat":)" + std::to_string(kNow - 10) +
               R"(,"exp":)" + std::to_string(kNow + 900) + R"(,"nbf":)" + nbf +
               R"(,"iss":"restd"})";
    };
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(kHeader, withNbf(std::to_string(kNow - 10))), kKeys, kNow)));
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(kHeader, withNbf(std::to_string(kNow + kLeewaySeconds))), kKeys, kNow)));
    BOOST_TEST(refusedAs(forge(kHeader, withNbf(std::to_string(kNow + kLeewaySeconds + 1))),
                         TokenError::NotYetValid));
    BOOST_TEST(
        refusedAs(forge(kHeader, withNbf(std::to_string(kNow + 3600))), TokenError::NotYetValid));
    for (const char* nbf : {R"("1800000000")", "1.5", "null", "-1"}) {
        BOOST_TEST_CONTEXT(nbf) {
            BOOST_TEST(refusedAs(forge(kHeader, withNbf(nbf)), TokenError::Malformed));
        }
    }
    // Claims verified before (the per-thread cache) keep their nbf for the clock check.
    auto result = verifyToken(forge(kHeader, withNbf(std::to_string(kNow))), kKeys, kNow);
    BOOST_REQUIRE(std::holds_alternative<Claims>(result));
    Claims early = std::get<Claims>(result);
    early.nbf = kNow + 600;
    BOOST_TEST((checkTimes(early, kNow) == TokenError::NotYetValid));
    BOOST_TEST(!checkTimes(early, kNow + 600).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// Key rotation: tokens name their key (kid); a set of keys verifies.
BOOST_AUTO_TEST_SUITE(auth_jwt_keys)

const std::string kOld = "old-key-0123456789abcdef0123456789";
const std::string kNew = "new-key-0123456789abcdef0123456789";

std::string withKid(std::string_view kid) {
    return R"({"alg":"HS256","typ":"JWT","kid":")" + std::string(kid) + R"("})";
}

TokenError errorOf(const std::string& token, const restd::common::KeySet& keys) {
    auto result = verifyToken(token, keys, kNow);
    BOOST_REQUIRE(std::holds_alternative<TokenError>(result));
    return std::get<TokenError>(result);
}

BOOST_AUTO_TEST_CASE(the_kid_is_the_openssl_computed_hmac_of_the_key_id_label_in_hex) {
    // The first 8 bytes of HMAC-SHA256(key, "restd key id"), lowercase hex.
    const std::string kid = opensslHmacHex(kSecret, "restd key id").substr(0, 16);
    BOOST_TEST(restd::common::keyId(kSecret) == kid);
    BOOST_TEST(kKeys.current().id == kid);
    BOOST_TEST(restd::common::isKeyId(kid));
    BOOST_TEST(restd::common::keyId(kOld) != restd::common::keyId(kNew));
}

BOOST_AUTO_TEST_CASE(a_signed_token_names_the_current_key_in_its_header) {
    const restd::common::KeySet keys{kNew, {kOld}};
    std::string token = signToken({42, "user", 3, kNow, kNow + 60}, keys);
    auto header = base64UrlDecode(token.substr(0, token.find('.')));
    BOOST_REQUIRE(header.has_value());
    BOOST_TEST(*header == withKid(restd::common::keyId(kNew)));
    size_t dot = token.rfind('.');
    BOOST_TEST(hex(base64UrlDecode(token.substr(dot + 1)).value_or("")) ==
               opensslHmacHex(kNew, token.substr(0, dot)));
}

BOOST_AUTO_TEST_CASE(a_token_of_a_previous_key_verifies) {
    std::string token = signToken({42, "user", 3, kNow, kNow + 60}, restd::common::KeySet(kOld));
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(token, restd::common::KeySet(kNew, {kOld}), kNow)));
    // Once the old key is dropped, it is refused like any bad signature.
    BOOST_TEST((errorOf(token, restd::common::KeySet(kNew)) == TokenError::BadSignature));
    // And a host still on the old key accepts what the new key signed only
    // once the new key is among its previous ones.
    std::string fresh = signToken({42, "user", 3, kNow, kNow + 60}, restd::common::KeySet(kNew));
    BOOST_TEST((errorOf(fresh, restd::common::KeySet(kOld)) == TokenError::BadSignature));
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(fresh, restd::common::KeySet(kOld, {kNew}), kNow)));
}

BOOST_AUTO_TEST_CASE(an_unknown_kid_is_refused_like_a_bad_signature) {
    const std::string other = "other-key-0123456789abcdef01234567";
    // Signed by a key the set does not hold, and naming it.
    std::string token =
        forge(withKid(restd::common::keyId(other)), payload(kNow, kNow + 60), other);
    BOOST_TEST((errorOf(token, restd::common::KeySet(kNew, {kOld})) == TokenError::BadSignature));
    // Any well-formed kid that names no key, even over a signature a key would take.
    token = forge(withKid("0000000000000000"), payload(kNow, kNow + 60), kNew);
    BOOST_TEST((errorOf(token, restd::common::KeySet(kNew, {kOld})) == TokenError::BadSignature));
}

BOOST_AUTO_TEST_CASE(a_token_without_kid_is_verified_by_the_current_and_each_previous_key) {
    const restd::common::KeySet keys{kNew, {kSecret, kOld}};
    for (const std::string& key : {kNew, kSecret, kOld}) {
        BOOST_TEST(std::holds_alternative<Claims>(
                       verifyToken(forge(kHeader, payload(kNow, kNow + 60), key), keys, kNow)),
                   key);
    }
    BOOST_TEST((errorOf(forge(kHeader, payload(kNow, kNow + 60), kNew + "x"), keys) ==
                TokenError::BadSignature));
}

BOOST_AUTO_TEST_CASE(a_kid_naming_one_key_over_another_keys_signature_is_refused) {
    const restd::common::KeySet keys{kNew, {kOld}};
    const std::string newKid = restd::common::keyId(kNew);
    const std::string oldKid = restd::common::keyId(kOld);
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(withKid(oldKid), payload(kNow, kNow + 60), kOld), keys, kNow)));
    BOOST_TEST((errorOf(forge(withKid(newKid), payload(kNow, kNow + 60), kOld), keys) ==
                TokenError::BadSignature));
    BOOST_TEST((errorOf(forge(withKid(oldKid), payload(kNow, kNow + 60), kNew), keys) ==
                TokenError::BadSignature));
}

BOOST_AUTO_TEST_CASE(a_kid_in_another_spelling_is_read_and_one_of_another_form_refused) {
    const std::string kid = kKeys.current().id;
    BOOST_TEST(std::holds_alternative<Claims>(
        verifyToken(forge(R"({"kid":")" + kid + R"(","alg":"HS256"})", payload(kNow, kNow + 60)),
                    kKeys, kNow)));
    for (const std::string& header :
         {std::string(R"({"alg":"HS256","kid":7})"), std::string(R"({"alg":"HS256","kid":null})"),
          std::string(R"({"alg":"HS256","kid":""})"),
          R"({"alg":"HS256","kid":")" + kid.substr(1) + R"("})",
          R"({"alg":"HS256","kid":")" + kid + R"(0"})",
          std::string(R"({"alg":"HS256","kid":"0123456789ABCDEF"})"),
          R"({"alg":"HS256","kid":")" + kid + R"(","kid":")" + kid + R"("})"}) {
        BOOST_TEST_CONTEXT(header) {
            BOOST_TEST(refusedAs(forge(header, payload(kNow, kNow + 60)), TokenError::Malformed));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
