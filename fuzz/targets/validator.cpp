// SPDX-License-Identifier: Apache-2.0
// The validator over arbitrary bodies, for the body rules of every route.
// The first byte picks the rules (low bits) and the body's type (high bit:
// JSON or urlencoded form); the rest is the body, parsed as the dispatcher
// does. A body ends in normalised input that meets the rules or in a 400
// VALIDATION_ERROR of at most kMaxDetails + 1 details, located in the body.
#include "validation/validator.h"

#include "common.h"
#include "http/api_error.h"
#include "resources/auth/rules.h"
#include "resources/posts/rules.h"
#include "resources/products/rules.h"
#include "resources/users/rules.h"

namespace {

namespace v = restd::validation;

void checkInput(const v::Input& input, const v::BodyRules& rules) {
    for (const v::FieldRule& rule : rules.fields) {
        if (!input.has(rule.name)) {
            FUZZ_CHECK(!rule.required || rules.mode == v::BodyMode::Patch);
            continue;
        }
        switch (rule.kind) {
            case v::Kind::Boolean:
                FUZZ_CHECK(input.boolean(rule.name).has_value());
                break;
            case v::Kind::Integer: {
                auto n = input.integer(rule.name);
                FUZZ_CHECK(n && *n >= rule.min && *n <= rule.max);
                break;
            }
            case v::Kind::Text: {
                const std::string* s = input.text(rule.name);
                FUZZ_CHECK(s && fuzz::isUtf8(*s));
                size_t n = v::codePoints(*s);
                FUZZ_CHECK(n >= static_cast<size_t>(rule.min));
                FUZZ_CHECK(rule.max == 0 || n <= static_cast<size_t>(rule.max));
                FUZZ_CHECK(!v::hasControl(*s, "\t\n\r"));
                break;
            }
            default: {
                const std::string* s = input.text(rule.name);
                FUZZ_CHECK(s && fuzz::isUtf8(*s));
                if (rule.kind == v::Kind::Email) FUZZ_CHECK(s->size() <= 254);
                if (rule.kind == v::Kind::Enum) {
                    bool listed = false;
                    for (auto o : rule.options) listed = listed || o == *s;
                    FUZZ_CHECK(listed);
                }
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::http::ApiError;
    namespace auth = restd::auth_tokens::rules;
    namespace posts = restd::posts::rules;
    namespace products = restd::products::rules;
    namespace users = restd::users::rules;
    static const v::BodyRules* const kRules[] = {
        &auth::kRegister,          &auth::kLogin,
        &auth::kRefreshToken,      &posts::kCreatePost,
        &posts::kReplacePost,      &posts::kPatchPost,
        &products::kCreateProduct, &products::kReplaceProduct,
        &products::kPatchProduct,  &users::kCreateUser,
        &users::kReplaceUser,      &users::kPatchUser,
    };
    if (size == 0) return 0;
    const v::BodyRules& rules = *kRules[(data[0] & 0x7F) % std::size(kRules)];
    const char* type = data[0] & 0x80 ? "application/x-www-form-urlencoded" : "application/json";
    restd::http::Body body;
    try {
        body = restd::http::parseBody(type, fuzz::text(data + 1, size - 1));
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status() == 400 && e.code() == "MALFORMED_BODY");
        return 0;
    }
    try {
        checkInput(v::validateBody(body, rules), rules);
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.status() == 400 && e.code() == "VALIDATION_ERROR");
        FUZZ_CHECK(!e.details().empty() && e.details().size() <= v::kMaxDetails + 1);
        for (const auto& d : e.details()) FUZZ_CHECK(d.location == "body");
    }
    return 0;
}
