// SPDX-License-Identifier: Apache-2.0
// Products through nginx (docs/api.md "Resources", "Lists", "Caching",
// "Validation rules"): public reads and admin-only writes, the field rules in JSON and
// form bodies, a taken SKU, lists with price and stock filters, sorts,
// literal search over name and SKU and keyset cursors, and conditional
// requests (ETag, If-None-Match, If-Match, two writers racing).
//
// nginx micro-caches anonymous product reads for a few seconds, so every
// read-after-write check here sends the admin's token (which bypasses the
// cache), and anonymous reads only ask for URIs never requested before.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "../support/api.h"
#include "../support/checks.h"
#include "../support/http_client.h"
#include "../support/stack.h"

using namespace restd::test;
using namespace restd::test::api;

namespace {

const std::vector<std::string> kProductMembers = {
    "createdAt", "description", "id", "name", "priceCents", "sku", "stock", "updatedAt"};
const std::string kEmoji = "\xF0\x9F\x98\x80";  // U+1F600: one code point, four bytes
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string productPath(int64_t id) { return "/api/v1/products/" + std::to_string(id); }

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    return s;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
}

// A SKU unused in this run: upper-cased uniqueName, so only [A-Z0-9].
std::string newSku(std::string_view prefix = "sk") { return upper(uniqueName(prefix)); }

std::string repeat(const std::string& unit, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// {"sku","name","priceCents"} plus extra members (JSON text values).
std::string productBody(
    const std::string& sku, const std::string& name, int64_t priceCents,
    std::initializer_list<std::pair<std::string_view, std::string>> extra = {}) {
    std::string text = object(
        {{"sku", str(sku)}, {"name", str(name)}, {"priceCents", std::to_string(priceCents)}});
    for (const auto& [member, value] : extra) {
        text.pop_back();  // '}'
        text += "," + str(member) + ":" + value + "}";
    }
    return text;
}

HttpResponse createRaw(const std::string& jsonBody, const std::string& token = admin().token) {
    return send("POST", "/api/v1/products", token, jsonBody);
}

// A new product as admin; requires 201. Returns its id.
int64_t createProduct(const std::string& name, int64_t priceCents, int64_t stock = 0,
                      const std::string& sku = {}) {
    HttpResponse response = createRaw(productBody(sku.empty() ? newSku() : sku, name, priceCents,
                                                  {{"stock", std::to_string(stock)}}));
    BOOST_REQUIRE_MESSAGE(response.status == 201, "create " << name << ": " << response.summary());
    const int64_t id = intAt(json(response.body), "data.id").value_or(0);
    BOOST_REQUIRE_GT(id, 0);
    return id;
}

HttpResponse formRequest(std::string_view method, const std::string& path, bool useMultipart,
                         const Fields& fields, const std::string& token = admin().token) {
    return useMultipart ? sendRaw(method, path, token, multipartType(), multipart(fields))
                        : sendRaw(method, path, token, std::string(kForm), urlEncoded(fields));
}

const char* formName(bool useMultipart) { return useMultipart ? "multipart" : "urlencoded"; }

// GET /api/v1/products<query>; the admin's token by default (bypasses nginx's cache).
HttpResponse list(const std::string& query, const std::string& token = admin().token) {
    return send("GET", "/api/v1/products" + query, token);
}

std::vector<int64_t> listIds(const std::string& query) {
    return idsAt(checkSuccess(list(query), 200));
}

// The product as a GET with the admin's token shows it, serialised, for
// "nothing changed" checks.
std::string adminView(int64_t id) {
    HttpResponse response = send("GET", productPath(id), admin().token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    rapidjson::Document body = json(response.body);
    const rapidjson::Value* data = jsonAt(body, "data");
    return data != nullptr ? jsonDump(*data) : "<no data>";
}

// The ETag of a GET with the admin's token; requires 200 and a tag.
std::string currentTag(int64_t id) {
    HttpResponse response = send("GET", productPath(id), admin().token);
    BOOST_REQUIRE_MESSAGE(response.status == 200, response.summary());
    std::string tag = response.header("ETag").value_or("");
    BOOST_REQUIRE_MESSAGE(!tag.empty(), "no ETag: " << response.summary());
    return tag;
}

std::string idList(const std::vector<int64_t>& ids) {
    std::string text;
    for (int64_t id : ids) text += (text.empty() ? "" : " ") + std::to_string(id);
    return "[" + text + "]";
}

bool unique(std::vector<int64_t> ids) {
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

// Ids seen following meta.nextCursor from the first page of query (which holds
// sort, limit and search); checks that cursor pages carry no totals.
std::vector<int64_t> walkCursor(const std::string& query, int maxPages, int* pages = nullptr) {
    std::vector<int64_t> seen;
    HttpResponse response = list(query);
    for (int page = 1; page <= maxPages; ++page) {
        rapidjson::Document body = checkSuccess(response, 200);
        if (pages != nullptr) *pages = page;
        for (int64_t id : idsAt(body)) seen.push_back(id);
        if (page > 1) {
            const rapidjson::Value* meta = jsonAt(body, "meta");
            BOOST_CHECK_MESSAGE(meta != nullptr && meta->IsObject() && !meta->HasMember("total") &&
                                    !meta->HasMember("totalPages"),
                                "a cursor page reports totals: " << response.summary());
        }
        const rapidjson::Value* next = jsonAt(body, "meta.nextCursor");
        BOOST_REQUIRE_MESSAGE(next != nullptr && (next->IsNull() || next->IsString()),
                              "meta.nextCursor is neither string nor null: " << response.summary());
        if (next->IsNull()) break;
        response = list(query + "&cursor=" + queryEscape(next->GetString()));
    }
    return seen;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(products_create)

BOOST_AUTO_TEST_CASE(admin_creates_a_product_with_201_location_and_defaults) {
    const std::string sku = newSku("pc");
    HttpResponse response = createRaw(productBody(sku, "  Blue mug ", 1250));
    rapidjson::Document body = checkSuccess(response, 201);
    const int64_t id = intAt(body, "data.id").value_or(0);
    BOOST_CHECK_GT(id, 0);
    BOOST_CHECK(memberNames(jsonAt(body, "data")) == kProductMembers);
    BOOST_CHECK_EQUAL(jsonString(body, "data.sku"), sku);
    BOOST_CHECK_EQUAL(jsonString(body, "data.name"), "Blue mug");
    BOOST_CHECK_EQUAL(jsonString(body, "data.description"), "");
    BOOST_CHECK_EQUAL(intAt(body, "data.priceCents").value_or(-1), 1250);
    BOOST_CHECK_EQUAL(intAt(body, "data.stock").value_or(-1), 0);
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.createdAt")));
    BOOST_CHECK(isIsoMillis(jsonString(body, "data.updatedAt")));

    const std::string location = response.header("Location").value_or("<none>");
    BOOST_CHECK_EQUAL(location, productPath(id));
    // Anyone may read it (a URI nobody asked for before, so not from a cache).
    rapidjson::Document fetched = checkSuccess(send("GET", location), 200);
    BOOST_CHECK_EQUAL(jsonDump(*jsonAt(fetched, "data")), jsonDump(*jsonAt(body, "data")));
}

BOOST_AUTO_TEST_CASE(every_field_is_stored_as_sent) {
    const std::string sku = newSku("pf") + "-X-9";
    const std::string description = "Line one\nLine two " + kEmoji;
    rapidjson::Document body = checkSuccess(
        createRaw(productBody(sku, "Full " + kEmoji, 100000000,
                              {{"description", str(description)}, {"stock", "1000000000"}})),
        201);
    const int64_t id = intAt(body, "data.id").value_or(0);
    BOOST_CHECK_EQUAL(jsonString(body, "data.sku"), sku);
    BOOST_CHECK(jsonString(body, "data.name") == "Full " + kEmoji);
    BOOST_CHECK(jsonString(body, "data.description") == description);
    BOOST_CHECK_EQUAL(intAt(body, "data.priceCents").value_or(-1), 100000000);
    BOOST_CHECK_EQUAL(intAt(body, "data.stock").value_or(-1), 1000000000);
    BOOST_CHECK_EQUAL(adminView(id), jsonDump(*jsonAt(body, "data")));
}

BOOST_AUTO_TEST_CASE(sku_must_be_3_to_32_of_upper_case_letters_digits_and_dashes) {
    // newSku padded with 'Z' to n characters.
    auto padded = [](size_t n) {
        std::string sku = newSku("ps");
        return sku + std::string(n - sku.size(), 'Z');
    };
    for (const std::string& sku : {std::string("A1-"), std::string("---"), padded(32)}) {
        BOOST_TEST_CONTEXT("sku " << sku) {
            rapidjson::Document body = checkSuccess(createRaw(productBody(sku, "ok", 1)), 201);
            BOOST_CHECK_EQUAL(jsonString(body, "data.sku"), sku);
        }
    }
    for (const std::string& sku :
         {lower(newSku("ps")), upper(newSku("ps")) + "a", std::string("AB"), std::string(),
          padded(33), std::string(33, 'Q'), newSku("ps") + "_1", newSku("ps") + " 1",
          " " + newSku("ps"), newSku("ps") + "\xC3\x84", newSku("ps") + ".", newSku("ps") + "/"}) {
        BOOST_TEST_CONTEXT("sku '" << sku << "'") {
            checkValidation(createRaw(productBody(sku, "bad sku", 1)), {{"sku", "body"}});
        }
    }
    for (const char* value : {"123", "null", "true", "[\"ABC\"]"}) {
        BOOST_TEST_CONTEXT("sku " << value) {
            checkValidation(
                createRaw(object({{"sku", value}, {"name", str("bad sku")}, {"priceCents", "1"}})),
                {{"sku", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(name_is_trimmed_and_1_to_200_characters) {
    for (const std::string& name : {std::string("a"), std::string(200, 'n'), repeat(kEmoji, 200),
                                    " \t" + std::string(200, 'm') + " "}) {
        BOOST_TEST_CONTEXT("name of " << name.size() << " bytes") {
            rapidjson::Document body = checkSuccess(createRaw(productBody(newSku(), name, 1)), 201);
            std::string expected = name;
            expected.erase(0, expected.find_first_not_of(" \t"));
            expected.erase(expected.find_last_not_of(" \t") + 1);
            BOOST_CHECK(jsonString(body, "data.name") == expected);
        }
    }
    for (const std::string& name : {std::string(), std::string("   "), std::string(" \t\n "),
                                    std::string(201, 'n'), repeat(kEmoji, 201)}) {
        BOOST_TEST_CONTEXT("name of " << name.size() << " bytes") {
            checkValidation(createRaw(productBody(newSku(), name, 1)), {{"name", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(description_is_at_most_10000_characters) {
    for (const std::string& description :
         {std::string(), std::string(10000, 'd'), repeat(kEmoji, 10000)}) {
        BOOST_TEST_CONTEXT("description of " << description.size() << " bytes") {
            rapidjson::Document body =
                checkSuccess(createRaw(productBody(newSku(), "described", 1,
                                                   {{"description", str(description)}})),
                             201);
            BOOST_CHECK(jsonString(body, "data.description") == description);
        }
    }
    for (const std::string& description : {std::string(10001, 'd'), repeat(kEmoji, 10001)}) {
        BOOST_TEST_CONTEXT("description of " << description.size() << " bytes") {
            checkValidation(createRaw(productBody(newSku(), "described", 1,
                                                  {{"description", str(description)}})),
                            {{"description", "body"}});
        }
    }
    checkValidation(createRaw(productBody(newSku(), "described", 1, {{"description", "42"}})),
                    {{"description", "body"}});
}

BOOST_AUTO_TEST_CASE(price_cents_is_an_integer_from_0_to_100000000) {
    for (int64_t price : {int64_t{0}, int64_t{1}, int64_t{100000000}}) {
        BOOST_TEST_CONTEXT("priceCents " << price) {
            rapidjson::Document body =
                checkSuccess(createRaw(productBody(newSku(), "priced", price)), 201);
            BOOST_CHECK_EQUAL(intAt(body, "data.priceCents").value_or(-1), price);
        }
    }
    for (const char* value : {"-1", "100000001", "1.5", "\"12\"", "1e3", "12.0", "null", "true",
                              "99999999999999999999", "-9223372036854775809", "[1]", "{}"}) {
        BOOST_TEST_CONTEXT("priceCents " << value) {
            checkValidation(
                createRaw(object(
                    {{"sku", str(newSku())}, {"name", str("priced")}, {"priceCents", value}})),
                {{"priceCents", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(stock_is_an_integer_from_0_to_1000000000) {
    for (int64_t stock : {int64_t{0}, int64_t{7}, int64_t{1000000000}}) {
        BOOST_TEST_CONTEXT("stock " << stock) {
            rapidjson::Document body = checkSuccess(
                createRaw(productBody(newSku(), "stocked", 1, {{"stock", std::to_string(stock)}})),
                201);
            BOOST_CHECK_EQUAL(intAt(body, "data.stock").value_or(-1), stock);
        }
    }
    for (const char* value : {"-1", "1000000001", "2.5", "\"3\"", "null", "false"}) {
        BOOST_TEST_CONTEXT("stock " << value) {
            checkValidation(createRaw(productBody(newSku(), "stocked", 1, {{"stock", value}})),
                            {{"stock", "body"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(every_broken_rule_is_listed_and_nothing_is_created) {
    const std::string tag = uniqueName("allbad");
    std::vector<Detail> found =
        checkValidation(createRaw(object({{"sku", str("ab")},
                                          {"name", str(tag + std::string(201, 'x'))},
                                          {"description", str(std::string(10001, 'd'))},
                                          {"priceCents", "-1"},
                                          {"stock", "1000000001"},
                                          {"id", "7"}})),
                        {{"sku", "body"},
                         {"name", "body"},
                         {"description", "body"},
                         {"priceCents", "body"},
                         {"stock", "body"},
                         {"id", "body"}});
    for (const Detail& d : found) BOOST_CHECK_MESSAGE(!d.message.empty(), d.field);
    rapidjson::Document none = checkSuccess(list("?search=" + tag), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(sku_name_and_price_cents_are_required) {
    std::vector<Detail> found = checkValidation(
        createRaw("{}"), {{"sku", "body"}, {"name", "body"}, {"priceCents", "body"}});
    for (const Detail& d : found) BOOST_CHECK_EQUAL(d.message, "Field is required");
    checkValidation(createRaw(object({{"description", str("only")}, {"stock", "3"}})),
                    {{"sku", "body"}, {"name", "body"}, {"priceCents", "body"}});
    checkValidation(createRaw(object({{"sku", str(newSku())}, {"name", str("no price")}})),
                    {{"priceCents", "body"}});
}

BOOST_AUTO_TEST_CASE(server_fields_in_the_body_are_400_unknown_field) {
    const std::string tag = uniqueName("mass");
    std::vector<Detail> found =
        checkValidation(createRaw(productBody(newSku(), tag, 5,
                                              {{"id", "1"},
                                               {"createdAt", str("2000-01-01T00:00:00.000Z")},
                                               {"updatedAt", str("2000-01-01T00:00:00.000Z")},
                                               {"version", "9"},
                                               {"price", "5"}})),
                        {{"id", "body"},
                         {"createdAt", "body"},
                         {"updatedAt", "body"},
                         {"version", "body"},
                         {"price", "body"}});
    for (const Detail& d : found) {
        BOOST_CHECK_MESSAGE(iequals(d.message, "Unknown field"), "message: " << d.message);
    }
    rapidjson::Document none = checkSuccess(list("?search=" + tag), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(a_taken_sku_is_409_naming_sku_and_changes_nothing) {
    const std::string sku = newSku("dup");
    const int64_t first = createProduct("original", 100, 1, sku);
    const std::string before = adminView(first);
    const std::string tag = uniqueName("dupname");
    rapidjson::Document body = checkError(createRaw(productBody(sku, tag, 200)), 409, "CONFLICT");
    std::vector<Detail> found = details(body);
    BOOST_REQUIRE_EQUAL(found.size(), 1u);
    BOOST_CHECK_EQUAL(found[0].field, "sku");
    BOOST_CHECK_EQUAL(found[0].location, "body");
    BOOST_CHECK(!found[0].message.empty());
    BOOST_CHECK_EQUAL(adminView(first), before);
    rapidjson::Document none = checkSuccess(list("?search=" + tag), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_CASE(sql_metacharacters_in_name_and_description_are_stored_verbatim) {
    const std::string tag = uniqueName("inj");
    const std::string names[] = {
        tag + " '; DROP TABLE products; --",
        tag + " \" OR \"1\"=\"1",
        tag + " back\\slash \\' \\\" \\\\ end\\",
        tag + " 100% _wild_ !bang [x] `tick` /* c */ #",
    };
    std::vector<int64_t> ids;
    for (const std::string& name : names) {
        BOOST_TEST_CONTEXT("name " << name) {
            const std::string description = "about " + name + "\n-- ' \" \\ %";
            rapidjson::Document created = checkSuccess(
                createRaw(productBody(newSku(), name, 10, {{"description", str(description)}})),
                201);
            const int64_t id = intAt(created, "data.id").value_or(0);
            ids.push_back(id);
            rapidjson::Document fetched =
                checkSuccess(send("GET", productPath(id), admin().token), 200);
            BOOST_CHECK(jsonString(fetched, "data.name") == name);
            BOOST_CHECK(jsonString(fetched, "data.description") == description);
        }
    }
    BOOST_CHECK_MESSAGE(
        listIds("?limit=100&sort=id&search=" + tag) == std::vector<int64_t>(ids.begin(), ids.end()),
        "search " << tag);
    checkSuccess(list("?limit=1"), 200);  // the table is still there
}

BOOST_AUTO_TEST_CASE(form_bodies_create_with_the_same_rules_as_json) {
    for (bool useMultipart : {false, true}) {
        BOOST_TEST_CONTEXT(formName(useMultipart)) {
            const std::string sku = newSku("form");
            rapidjson::Document body =
                checkSuccess(formRequest("POST", "/api/v1/products", useMultipart,
                                         {{"sku", sku},
                                          {"name", " form product "},
                                          {"description", "from a form, 100% & more"},
                                          {"priceCents", "1999"},
                                          {"stock", "0"}}),
                             201);
            BOOST_CHECK_EQUAL(jsonString(body, "data.sku"), sku);
            BOOST_CHECK_EQUAL(jsonString(body, "data.name"), "form product");
            BOOST_CHECK_EQUAL(jsonString(body, "data.description"), "from a form, 100% & more");
            BOOST_CHECK_EQUAL(intAt(body, "data.priceCents").value_or(-1), 1999);
            BOOST_CHECK_EQUAL(intAt(body, "data.stock").value_or(-1), 0);

            for (const char* price : {"12abc", "1e3", "-1", "99999999999999999999", "100000001",
                                      "1.5", "", " 12", "+12", "0x10"}) {
                BOOST_TEST_CONTEXT("priceCents=" << price) {
                    checkValidation(
                        formRequest("POST", "/api/v1/products", useMultipart,
                                    {{"sku", newSku()}, {"name", "f"}, {"priceCents", price}}),
                        {{"priceCents", "body"}});
                }
            }
            BOOST_TEST_CONTEXT("every rule broken") {
                checkValidation(formRequest("POST", "/api/v1/products", useMultipart,
                                            {{"sku", "abc"},
                                             {"name", "   "},
                                             {"description", std::string(10001, 'd')},
                                             {"priceCents", "12abc"},
                                             {"stock", "-1"},
                                             {"id", "3"}}),
                                {{"sku", "body"},
                                 {"name", "body"},
                                 {"description", "body"},
                                 {"priceCents", "body"},
                                 {"stock", "body"},
                                 {"id", "body"}});
            }
            BOOST_TEST_CONTEXT("a taken SKU") {
                rapidjson::Document taken =
                    checkError(formRequest("POST", "/api/v1/products", useMultipart,
                                           {{"sku", sku}, {"name", "again"}, {"priceCents", "1"}}),
                               409, "CONFLICT");
                BOOST_CHECK(!details(taken).empty() && details(taken)[0].field == "sku");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(create_needs_a_token_and_the_admin_role) {
    const std::string tag = uniqueName("noauth");
    HttpResponse anonymous = createRaw(productBody(newSku(), tag, 1), "");
    checkError(anonymous, 401, "UNAUTHORIZED");
    BOOST_CHECK(anonymous.header("WWW-Authenticate").value_or("").starts_with("Bearer"));
    Account user = createAccount("user", "pu");
    checkError(createRaw(productBody(newSku(), tag, 1), user.token), 403, "FORBIDDEN");
    checkError(createRaw(productBody(newSku(), tag, 1), "not-a-jwt"), 401, "UNAUTHORIZED");
    rapidjson::Document none = checkSuccess(list("?search=" + tag), 200);
    BOOST_CHECK_EQUAL(intAt(none, "meta.total").value_or(-1), 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_read)

BOOST_AUTO_TEST_CASE(anyone_reads_a_product_and_a_list) {
    const std::string tag = uniqueName("anon");
    const int64_t id = createProduct(tag + " public", 321, 4);
    rapidjson::Document item = checkSuccess(send("GET", productPath(id)), 200);
    BOOST_CHECK(memberNames(jsonAt(item, "data")) == kProductMembers);
    BOOST_CHECK_EQUAL(jsonString(item, "data.name"), tag + " public");
    BOOST_CHECK_EQUAL(jsonDump(*jsonAt(item, "data")), adminView(id));

    rapidjson::Document all = checkSuccess(list("?search=" + tag, ""), 200);
    BOOST_CHECK((idsAt(all) == std::vector<int64_t>{id}));
    BOOST_CHECK((memberNames(jsonAt(all, "meta")) ==
                 std::vector<std::string>{"limit", "nextCursor", "page", "total", "totalPages"}));
    // A user's token changes nothing: products are the same for everyone.
    Account user = createAccount("user", "pr");
    rapidjson::Document asUser = checkSuccess(list("?search=" + tag, user.token), 200);
    BOOST_CHECK_EQUAL(jsonDump(all), jsonDump(asUser));
    rapidjson::Document itemAsUser = checkSuccess(send("GET", productPath(id), user.token), 200);
    BOOST_CHECK_EQUAL(jsonDump(item), jsonDump(itemAsUser));
}

BOOST_AUTO_TEST_CASE(missing_product_is_404_and_bad_ids_are_400_in_path) {
    rapidjson::Document missing = checkError(send("GET", productPath(987654321)), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(jsonString(missing, "error"), "Product not found");
    checkError(send("GET", productPath(987654322), admin().token), 404, "NOT_FOUND");
    for (const char* id : {"abc", "0", "-3", "2.0", "99999999999999999999"}) {
        BOOST_TEST_CONTEXT("id " << id) {
            checkValidation(send("GET", std::string("/api/v1/products/") + id), {{"id", "path"}});
            checkValidation(send("PATCH", std::string("/api/v1/products/") + id, admin().token,
                                 object({{"stock", "1"}})),
                            {{"id", "path"}});
            checkValidation(send("PUT", std::string("/api/v1/products/") + id, admin().token,
                                 productBody(newSku(), "x", 1)),
                            {{"id", "path"}});
            checkValidation(send("DELETE", std::string("/api/v1/products/") + id, admin().token),
                            {{"id", "path"}});
        }
    }
}

BOOST_AUTO_TEST_CASE(trailing_slash_and_head_work_like_get) {
    const std::string tag = uniqueName("slash");
    const int64_t id = createProduct(tag, 10);
    rapidjson::Document item = checkSuccess(send("GET", productPath(id) + "/", admin().token), 200);
    BOOST_CHECK_EQUAL(intAt(item, "data.id").value_or(0), id);
    HttpResponse head = send("HEAD", productPath(id), admin().token);
    BOOST_CHECK_EQUAL(head.status, 200);
    BOOST_CHECK(head.body.empty());
    BOOST_CHECK(head.hasHeader("ETag"));
    rapidjson::Document all = checkSuccess(send("GET", "/api/v1/products/?search=" + tag), 200);
    BOOST_CHECK((idsAt(all) == std::vector<int64_t>{id}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_list)

BOOST_AUTO_TEST_CASE(list_reports_page_meta_with_page_and_limit) {
    const std::string tag = uniqueName("pmeta");
    std::vector<int64_t> ids;
    for (int i = 0; i < 5; ++i)
        ids.push_back(createProduct(tag + " " + std::to_string(i), 100 + i));
    rapidjson::Document first = checkSuccess(list("?sort=id&limit=2&search=" + tag), 200);
    BOOST_CHECK_EQUAL(intAt(first, "meta.page").value_or(0), 1);
    BOOST_CHECK_EQUAL(intAt(first, "meta.limit").value_or(0), 2);
    BOOST_CHECK_EQUAL(intAt(first, "meta.total").value_or(0), 5);
    BOOST_CHECK_EQUAL(intAt(first, "meta.totalPages").value_or(0), 3);
    BOOST_CHECK((idsAt(first) == std::vector<int64_t>{ids[0], ids[1]}));
    const rapidjson::Value* data = jsonAt(first, "data");
    BOOST_REQUIRE(data != nullptr && data->IsArray());
    for (const auto& product : data->GetArray())
        BOOST_CHECK(memberNames(&product) == kProductMembers);
    rapidjson::Document third = checkSuccess(list("?sort=id&limit=2&page=3&search=" + tag), 200);
    BOOST_CHECK((idsAt(third) == std::vector<int64_t>{ids[4]}));
    const rapidjson::Value* next = jsonAt(third, "meta.nextCursor");
    BOOST_CHECK(next != nullptr && next->IsNull());
    // Default: newest first, 20 per page.
    rapidjson::Document defaults = checkSuccess(list("?search=" + tag), 200);
    BOOST_CHECK((idsAt(defaults) == std::vector<int64_t>(ids.rbegin(), ids.rend())));
    BOOST_CHECK_EQUAL(intAt(defaults, "meta.limit").value_or(0), 20);
}

BOOST_AUTO_TEST_CASE(price_filters_are_inclusive_cents) {
    const std::string tag = uniqueName("price");
    const int64_t zero = createProduct(tag + " free", 0);
    const int64_t cheap = createProduct(tag + " cheap", 100);
    const int64_t mid = createProduct(tag + " mid", 200);
    const int64_t dear = createProduct(tag + " dear", 300);
    const int64_t top = createProduct(tag + " top", 100000000);
    auto ids = [&](const std::string& filters) {
        return listIds("?sort=id&search=" + tag + filters);
    };
    using Ids = std::vector<int64_t>;
    BOOST_CHECK((ids("&minPrice=200") == Ids{mid, dear, top}));
    BOOST_CHECK((ids("&maxPrice=200") == Ids{zero, cheap, mid}));
    BOOST_CHECK((ids("&minPrice=200&maxPrice=200") == Ids{mid}));
    BOOST_CHECK((ids("&minPrice=100&maxPrice=300") == Ids{cheap, mid, dear}));
    BOOST_CHECK((ids("&minPrice=101&maxPrice=199") == Ids{}));
    BOOST_CHECK((ids("&minPrice=0&maxPrice=100000000") == Ids{zero, cheap, mid, dear, top}));
    BOOST_CHECK((ids("&maxPrice=0") == Ids{zero}));
    BOOST_CHECK((ids("&minPrice=100000000") == Ids{top}));
    rapidjson::Document counted = checkSuccess(list("?search=" + tag + "&minPrice=150"), 200);
    BOOST_CHECK_EQUAL(intAt(counted, "meta.total").value_or(-1), 3);
}

BOOST_AUTO_TEST_CASE(in_stock_filter_splits_on_stock_zero) {
    const std::string tag = uniqueName("stock");
    const int64_t none = createProduct(tag + " none", 10, 0);
    const int64_t one = createProduct(tag + " one", 10, 1);
    const int64_t many = createProduct(tag + " many", 10, 1000000000);
    const int64_t gone = createProduct(tag + " gone", 10, 0);
    auto ids = [&](const std::string& filters) {
        return listIds("?sort=id&search=" + tag + filters);
    };
    using Ids = std::vector<int64_t>;
    BOOST_CHECK((ids("&inStock=true") == Ids{one, many}));
    BOOST_CHECK((ids("&inStock=1") == Ids{one, many}));
    BOOST_CHECK((ids("&inStock=false") == Ids{none, gone}));
    BOOST_CHECK((ids("&inStock=0") == Ids{none, gone}));
    BOOST_CHECK((ids("") == Ids{none, one, many, gone}));
    BOOST_CHECK((ids("&inStock=true&maxPrice=9") == Ids{}));
    BOOST_CHECK((ids("&inStock=false&minPrice=10&maxPrice=10") == Ids{none, gone}));
}

BOOST_AUTO_TEST_CASE(invalid_filters_and_list_parameters_are_400_in_query) {
    const std::pair<std::string, std::string> cases[] = {
        {"?minPrice=12abc", "minPrice"},
        {"?minPrice=1e3", "minPrice"},
        {"?minPrice=-1", "minPrice"},
        {"?minPrice=99999999999999999999", "minPrice"},
        {"?minPrice=100000001", "minPrice"},
        {"?minPrice=1.5", "minPrice"},
        {"?minPrice=", "minPrice"},
        {"?minPrice=%2B5", "minPrice"},
        {"?maxPrice=abc", "maxPrice"},
        {"?maxPrice=-1", "maxPrice"},
        {"?maxPrice=100000001", "maxPrice"},
        {"?inStock=maybe", "inStock"},
        {"?inStock=yes", "inStock"},
        {"?inStock=", "inStock"},
        {"?sort=stock", "sort"},
        {"?sort=-sku", "sort"},
        {"?sort=price", "sort"},
        {"?sort=description", "sort"},
        {"?sort=--name", "sort"},
        {"?limit=0", "limit"},
        {"?limit=101", "limit"},
        {"?page=0", "page"},
        {"?search=" + std::string(101, 's'), "search"},
    };
    for (const auto& [query, field] : cases) {
        BOOST_TEST_CONTEXT("GET /api/v1/products" << query) {
            checkValidation(list(query, ""), {{field, "query"}});
        }
    }
    checkValidation(
        list("?minPrice=abc&maxPrice=-1&inStock=maybe&sort=nope", ""),
        {{"minPrice", "query"}, {"maxPrice", "query"}, {"inStock", "query"}, {"sort", "query"}});
}

// Anonymous lists too: every new query string misses nginx's micro-cache, so
// a deep offset would cost the server a walk of the index each time.
BOOST_AUTO_TEST_CASE(offset_past_the_maximum_is_400_naming_page_and_cursor) {
    const std::string buster = "&_=" + uniqueName("deep");
    for (const std::string query : {"?page=1000000", "?page=2501", "?limit=100&page=501"}) {
        BOOST_TEST_CONTEXT("GET /api/v1/products" << query) {
            auto found = checkValidation(list(query + buster, ""), {{"page", "query"}});
            for (const Detail& d : found) {
                BOOST_TEST(d.message.find("50000") != std::string::npos);
                BOOST_TEST(d.message.find("cursor") != std::string::npos);
            }
        }
    }
    checkSuccess(list("?limit=100&page=500" + buster, ""), 200);
}

// DB_LIST_TIMEOUT_MS bounds each statement of a list. A write lock on the
// table, held by another session, keeps the list's SELECT waiting however
// small the table is, so the limit trips every time: a searched list blames
// its search (400 naming `search`), any other the database (503).
BOOST_AUTO_TEST_CASE(a_list_past_its_time_limit_is_400_naming_search_or_else_503) {
    std::thread holder([] { sql("LOCK TABLES products WRITE; DO SLEEP(60); UNLOCK TABLES"); });
    std::string holderId;
    const bool locked = waitUntil(
        [&] {
            auto id =
                sql("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'DO SLEEP(60)'");
            if (id && !id->empty()) holderId = id->substr(0, id->find('\n'));
            return !holderId.empty();
        },
        std::chrono::seconds(10));
    HttpResponse searched, plain;
    if (locked) {
        searched = list("?search=" + uniqueName("slow"));
        plain = list("?limit=3&_=" + uniqueName("slow"));
        sql("KILL QUERY " + holderId);  // the sleep ends; the holder unlocks
    }
    holder.join();
    BOOST_REQUIRE_MESSAGE(locked, "the lock on products was not taken");
    checkValidation(searched, {{"search", "query"}});
    checkError(plain, 503, "SERVICE_UNAVAILABLE");
    BOOST_TEST(plain.header("Retry-After").has_value());
    checkSuccess(list("?limit=3&_=" + uniqueName("slow")), 200);
}

// No index serves a substring match: a searched page examines at most the
// 2,000 rows of the list that follow where it starts (kSearchWindowRows).
// Past them, the page holds what it found (maybe nothing), its nextCursor
// continues after them, and the list has no total. A match older than the
// 2,000 newest rows is reached by following nextCursor.
BOOST_AUTO_TEST_CASE(a_search_examines_at_most_2000_rows_per_page) {
    const std::string tag = uniqueName("window");
    const int64_t needle = createProduct(tag + " needle", 100);
    // 2,050 newer rows, straight into MariaDB (through the API they would
    // take minutes); removed again whatever the checks find.
    const std::string filler = upper(uniqueName("FILL"));
    struct Cleanup {
        std::string filler;
        ~Cleanup() { sql("DELETE FROM products WHERE sku LIKE '" + filler + "-%'"); }
    } cleanup{filler};
    BOOST_REQUIRE(
        sql("INSERT INTO products (sku, name, description, price_cents, stock) "
            "SELECT CONCAT('" +
            filler + "-', seq), CONCAT('" + filler + " ', seq), '', 100, 1 FROM seq_1_to_2050"));

    // The newest 2,000 rows hold no match: an empty page that goes on.
    rapidjson::Document first = checkSuccess(list("?limit=5&search=" + tag), 200);
    BOOST_TEST(idsAt(first).empty());
    const rapidjson::Value* meta = jsonAt(first, "meta");
    BOOST_REQUIRE(meta != nullptr);
    BOOST_TEST(!meta->HasMember("total"));
    BOOST_TEST(!meta->HasMember("totalPages"));
    const rapidjson::Value* next = jsonAt(first, "meta.nextCursor");
    BOOST_TEST((next != nullptr && next->IsString()));
    // Following nextCursor finds the match, once, and ends.
    int pages = 0;
    BOOST_TEST(walkCursor("?limit=5&search=" + tag, 10, &pages) == std::vector<int64_t>{needle},
               boost::test_tools::per_element());
    BOOST_TEST(pages >= 2);

    // A search the window fills answers its page, without a total.
    rapidjson::Document full = checkSuccess(list("?limit=5&search=" + filler), 200);
    BOOST_TEST(idsAt(full).size() == 5u);
    BOOST_TEST(!jsonAt(full, "meta")->HasMember("total"));
    // So does an offset page inside the window.
    BOOST_TEST(idsAt(checkSuccess(list("?limit=5&page=3&search=" + filler), 200)).size() == 5u);
    const rapidjson::Value* more = jsonAt(full, "meta.nextCursor");
    BOOST_TEST((more != nullptr && more->IsString()));

    // A table no longer than the window: the whole list, with its total.
    sql("DELETE FROM products WHERE sku LIKE '" + filler + "-%'");
    rapidjson::Document small = checkSuccess(list("?limit=5&search=" + tag), 200);
    BOOST_TEST(idsAt(small) == std::vector<int64_t>{needle}, boost::test_tools::per_element());
    BOOST_TEST(intAt(small, "meta.total").value_or(-1) == 1);
}

BOOST_AUTO_TEST_CASE(min_price_above_max_price_is_400_not_an_empty_list) {
    for (const std::string& token : {std::string(), admin().token}) {
        BOOST_TEST_CONTEXT((token.empty() ? "anonymous" : "admin")) {
            checkValidation(list("?minPrice=300&maxPrice=200", token), {{"minPrice", "query"}});
            checkValidation(list("?minPrice=1&maxPrice=0&search=x", token),
                            {{"minPrice", "query"}});
        }
    }
    // Equal bounds are fine.
    checkSuccess(list("?minPrice=200&maxPrice=200&search=" + uniqueName("eq")), 200);
}

BOOST_AUTO_TEST_CASE(sort_by_each_allowed_key_in_both_directions) {
    const std::string tag = uniqueName("sort");
    // Insertion order a, b, c, d; names and prices each order them differently.
    const int64_t a = createProduct(tag + " b", 300);
    const int64_t b = createProduct(tag + " A", 100);
    const int64_t c = createProduct(tag + " c", 200);
    const int64_t d = createProduct(tag + " D", 200);  // same price as c: id breaks the tie
    auto ids = [&](const std::string& sort) { return listIds("?sort=" + sort + "&search=" + tag); };
    using Ids = std::vector<int64_t>;
    BOOST_CHECK((ids("createdAt") == Ids{a, b, c, d}));
    BOOST_CHECK((ids("-createdAt") == Ids{d, c, b, a}));
    BOOST_CHECK((ids("id") == Ids{a, b, c, d}));
    BOOST_CHECK((ids("-id") == Ids{d, c, b, a}));
    BOOST_CHECK((ids("name") == Ids{b, a, c, d}));
    BOOST_CHECK((ids("-name") == Ids{d, c, a, b}));
    BOOST_CHECK((ids("priceCents") == Ids{b, c, d, a}));
    BOOST_CHECK((ids("-priceCents") == Ids{a, d, c, b}));
}

BOOST_AUTO_TEST_CASE(search_matches_name_or_sku_ignoring_case) {
    const std::string tag = uniqueName("find");
    const std::string skuTag = upper(uniqueName("skf"));
    const int64_t byName = createProduct("Lamp " + tag + " deluxe", 10);
    const int64_t bySku = createProduct("Unrelated lamp", 10, 0, skuTag + "-01");
    // The description is not searched.
    createRaw(productBody(newSku(), "Other", 10, {{"description", str(tag + " " + skuTag)}}));
    using Ids = std::vector<int64_t>;
    BOOST_CHECK((listIds("?sort=id&search=" + tag) == Ids{byName}));
    BOOST_CHECK((listIds("?sort=id&search=" + upper(tag)) == Ids{byName}));
    BOOST_CHECK((listIds("?sort=id&search=" + skuTag) == Ids{bySku}));
    BOOST_CHECK((listIds("?sort=id&search=" + lower(skuTag) + "-0") == Ids{bySku}));
    BOOST_CHECK((listIds("?sort=id&search=" + queryEscape(tag + " DELUXE")) == Ids{byName}));
    // Anonymous search (a fresh URI) sees the same.
    BOOST_CHECK(
        (idsAt(checkSuccess(list("?sort=id&search=" + skuTag.substr(1), ""), 200)) == Ids{bySku}));
}

BOOST_AUTO_TEST_CASE(search_treats_sql_metacharacters_literally) {
    const std::string tag = uniqueName("lit");
    const int64_t percent = createProduct(tag + " 100% off", 1);
    createProduct(tag + " 100x off", 1);
    const int64_t underscore = createProduct(tag + " a_b", 1);
    createProduct(tag + " axb", 1);
    const int64_t quote = createProduct(tag + " it's", 1);
    createProduct(tag + " its", 1);
    const int64_t backslash = createProduct(tag + " back\\slash", 1);
    createProduct(tag + " backslash", 1);
    const int64_t bang = createProduct(tag + " wow!%", 1);
    auto ids = [&](const std::string& search) {
        return listIds("?sort=id&search=" + queryEscape(search));
    };
    using Ids = std::vector<int64_t>;
    BOOST_CHECK((ids(tag + " 100%") == Ids{percent}));
    BOOST_CHECK((ids(tag + " a_b") == Ids{underscore}));
    BOOST_CHECK((ids(tag + " it's") == Ids{quote}));
    BOOST_CHECK((ids(tag + " back\\slash") == Ids{backslash}));
    BOOST_CHECK((ids(tag + " wow!%") == Ids{bang}));
    BOOST_CHECK((ids("%").size() >= 2u));
    BOOST_CHECK((ids(tag + "%") == Ids{}));
    BOOST_CHECK((ids(tag + "_") == Ids{}));
    BOOST_CHECK_EQUAL(ids(tag).size(), 9u);
    // Stored verbatim.
    rapidjson::Document stored =
        checkSuccess(send("GET", productPath(backslash), admin().token), 200);
    BOOST_CHECK_EQUAL(jsonString(stored, "data.name"), tag + " back\\slash");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_cursor)

BOOST_AUTO_TEST_CASE(cursor_walk_visits_every_product_once_for_every_sort) {
    const std::string tag = uniqueName("walk");
    std::vector<int64_t> created;
    // Repeated prices and names, so ties fall back to the id.
    for (int i = 0; i < 11; ++i) {
        const std::string name = tag + (i % 2 == 0 ? " Alpha " : " beta ") + std::to_string(i % 4);
        created.push_back(createProduct(name, 100 * (i % 3), i % 2));
    }
    for (const char* sort :
         {"priceCents", "-priceCents", "-createdAt", "createdAt", "name", "-name", "id", "-id"}) {
        BOOST_TEST_CONTEXT("sort " << sort) {
            const std::string query = std::string("?sort=") + sort + "&search=" + tag;
            const std::vector<int64_t> expected = listIds(query + "&limit=100");
            BOOST_REQUIRE_EQUAL(expected.size(), created.size());
            int pages = 0;
            const std::vector<int64_t> walk = walkCursor(query + "&limit=4", 10, &pages);
            BOOST_CHECK_EQUAL(pages, 3);
            BOOST_CHECK_MESSAGE(unique(walk), "an id was seen twice: " << idList(walk));
            BOOST_CHECK_MESSAGE(walk == expected,
                                "walk " << idList(walk) << " vs one page " << idList(expected));
        }
    }
    // Newest first by default.
    BOOST_CHECK(walkCursor("?limit=3&search=" + tag, 10) ==
                std::vector<int64_t>(created.rbegin(), created.rend()));
}

BOOST_AUTO_TEST_CASE(cursor_walk_keeps_the_filters) {
    const std::string tag = uniqueName("wf");
    std::vector<int64_t> expected;
    for (int i = 0; i < 9; ++i) {
        const int64_t price = 10 * (i % 5);
        const int64_t id = createProduct(tag + " " + std::to_string(i), price, i % 3);
        if (price >= 10 && price <= 30 && i % 3 != 0) expected.push_back(id);
    }
    const std::string query = "?sort=priceCents&minPrice=10&maxPrice=30&inStock=true&search=" + tag;
    const std::vector<int64_t> reference = listIds(query + "&limit=100");
    BOOST_CHECK_EQUAL(reference.size(), expected.size());
    BOOST_CHECK(walkCursor(query + "&limit=2", 10) == reference);
}

BOOST_AUTO_TEST_CASE(tampered_or_foreign_cursor_is_400_naming_cursor) {
    const std::string tag = uniqueName("tamper");
    for (int i = 0; i < 3; ++i) createProduct(tag + " " + std::to_string(i), 5 * i);
    rapidjson::Document body = checkSuccess(list("?limit=1&sort=priceCents&search=" + tag), 200);
    const std::string cursor = jsonString(body, "meta.nextCursor");
    BOOST_REQUIRE_MESSAGE(cursor.size() > 4 && cursor != "<missing>", "no cursor: " << cursor);
    const std::string query = "?limit=1&sort=priceCents&search=" + tag + "&cursor=";
    checkSuccess(list(query + queryEscape(cursor)), 200);

    for (size_t at : {size_t{0}, cursor.size() / 2, cursor.size() - 2}) {
        std::string tampered = cursor;
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
        BOOST_TEST_CONTEXT("character " << at << " changed: " << tampered) {
            checkValidation(list(query + queryEscape(tampered), ""), {{"cursor", "query"}});
        }
    }
    for (const std::string& garbage :
         {std::string("abc"), std::string("."), cursor + "x", std::string(513, 'a')}) {
        BOOST_TEST_CONTEXT("cursor " << garbage.substr(0, 40)) {
            checkValidation(list(query + queryEscape(garbage), ""), {{"cursor", "query"}});
        }
    }
    // Bound to its sort and direction.
    for (const char* sort : {"-priceCents", "name", "createdAt", "id"}) {
        BOOST_TEST_CONTEXT("cursor of sort=priceCents with sort=" << sort) {
            checkValidation(list(std::string("?limit=1&sort=") + sort + "&search=" + tag +
                                 "&cursor=" + queryEscape(cursor)),
                            {{"cursor", "query"}});
        }
    }
    // A cursor of another resource's list (same sort name) is not a products cursor.
    createPost(admin(), "cursor source 1");
    createPost(admin(), "cursor source 2");
    rapidjson::Document posts =
        checkSuccess(send("GET", "/api/v1/posts?limit=1&sort=id", admin().token), 200);
    const rapidjson::Value* postsCursor = jsonAt(posts, "meta.nextCursor");
    if (postsCursor != nullptr && postsCursor->IsString()) {
        checkValidation(list("?limit=1&sort=id&cursor=" + queryEscape(postsCursor->GetString())),
                        {{"cursor", "query"}});
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_write)

BOOST_AUTO_TEST_CASE(patch_changes_only_the_given_fields) {
    const std::string sku = newSku("pp");
    const int64_t id = createProduct("patch me", 500, 5, sku);
    rapidjson::Document before = json(send("GET", productPath(id), admin().token).body);

    rapidjson::Document named = checkSuccess(
        send("PATCH", productPath(id), admin().token, object({{"name", str("  renamed ")}})), 200);
    BOOST_CHECK_EQUAL(jsonString(named, "data.name"), "renamed");
    BOOST_CHECK_EQUAL(jsonString(named, "data.sku"), sku);
    BOOST_CHECK_EQUAL(intAt(named, "data.priceCents").value_or(-1), 500);
    BOOST_CHECK_EQUAL(intAt(named, "data.stock").value_or(-1), 5);
    BOOST_CHECK_EQUAL(jsonString(named, "data.createdAt"), jsonString(before, "data.createdAt"));
    BOOST_CHECK_GE(jsonString(named, "data.updatedAt"), jsonString(before, "data.updatedAt"));

    const std::string newSkuValue = newSku("pp2");
    rapidjson::Document moved = checkSuccess(send("PATCH", productPath(id), admin().token,
                                                  object({{"sku", str(newSkuValue)},
                                                          {"priceCents", "0"},
                                                          {"stock", "0"},
                                                          {"description", str("now described")}})),
                                             200);
    BOOST_CHECK_EQUAL(jsonString(moved, "data.sku"), newSkuValue);
    BOOST_CHECK_EQUAL(jsonString(moved, "data.name"), "renamed");
    BOOST_CHECK_EQUAL(intAt(moved, "data.priceCents").value_or(-1), 0);
    BOOST_CHECK_EQUAL(intAt(moved, "data.stock").value_or(-1), 0);
    BOOST_CHECK_EQUAL(jsonString(moved, "data.description"), "now described");
    BOOST_CHECK_EQUAL(adminView(id), jsonDump(*jsonAt(moved, "data")));
    // Its own SKU again is no conflict; the old SKU is free again.
    checkSuccess(send("PATCH", productPath(id), admin().token, object({{"sku", str(newSkuValue)}})),
                 200);
    createProduct("reuses the old sku", 1, 0, sku);
}

BOOST_AUTO_TEST_CASE(put_requires_every_required_field_and_resets_optional_ones) {
    const int64_t id = createProduct("put me", 700, 9);
    HttpResponse described = send("PATCH", productPath(id), admin().token,
                                  object({{"description", str("will be reset")}}));
    checkSuccess(described, 200);
    const std::string before = adminView(id);
    checkValidation(send("PUT", productPath(id), admin().token, "{}"),
                    {{"sku", "body"}, {"name", "body"}, {"priceCents", "body"}});
    checkValidation(send("PUT", productPath(id), admin().token,
                         object({{"name", str("n")}, {"priceCents", "1"}})),
                    {{"sku", "body"}});
    checkValidation(send("PUT", productPath(id), admin().token,
                         object({{"sku", str(newSku())}, {"name", str("n")}})),
                    {{"priceCents", "body"}});
    BOOST_CHECK_EQUAL(adminView(id), before);

    const std::string sku = newSku("put");
    rapidjson::Document replaced = checkSuccess(
        send("PUT", productPath(id), admin().token, productBody(sku, " put ", 42)), 200);
    BOOST_CHECK_EQUAL(intAt(replaced, "data.id").value_or(0), id);
    BOOST_CHECK_EQUAL(jsonString(replaced, "data.sku"), sku);
    BOOST_CHECK_EQUAL(jsonString(replaced, "data.name"), "put");
    BOOST_CHECK_EQUAL(intAt(replaced, "data.priceCents").value_or(-1), 42);
    BOOST_CHECK_EQUAL(jsonString(replaced, "data.description"), "");
    BOOST_CHECK_EQUAL(intAt(replaced, "data.stock").value_or(-1), 0);
    BOOST_CHECK_EQUAL(adminView(id), jsonDump(*jsonAt(replaced, "data")));

    rapidjson::Document full = checkSuccess(
        send("PUT", productPath(id), admin().token,
             productBody(sku, "full", 43, {{"description", str("d")}, {"stock", "8"}})),
        200);
    BOOST_CHECK_EQUAL(jsonString(full, "data.description"), "d");
    BOOST_CHECK_EQUAL(intAt(full, "data.stock").value_or(-1), 8);
}

BOOST_AUTO_TEST_CASE(patch_empty_or_broken_is_400_and_changes_nothing) {
    const int64_t id = createProduct("stable", 100, 1);
    const std::string before = adminView(id);
    checkValidation(send("PATCH", productPath(id), admin().token, "{}"), {{"", "body"}});
    checkValidation(
        send("PATCH", productPath(id), admin().token,
             object({{"name", str("ok")}, {"createdAt", str("2000-01-01T00:00:00.000Z")}})),
        {{"createdAt", "body"}});
    checkValidation(send("PATCH", productPath(id), admin().token, object({{"id", "5"}})),
                    {{"id", "body"}});
    checkValidation(send("PATCH", productPath(id), admin().token,
                         object({{"sku", str("lower")},
                                 {"name", str("  ")},
                                 {"description", str(std::string(10001, 'd'))},
                                 {"priceCents", "100000001"},
                                 {"stock", "-1"}})),
                    {{"sku", "body"},
                     {"name", "body"},
                     {"description", "body"},
                     {"priceCents", "body"},
                     {"stock", "body"}});
    checkValidation(
        send("PATCH", productPath(id), admin().token, object({{"priceCents", "\"12\""}})),
        {{"priceCents", "body"}});
    checkValidation(
        send("PUT", productPath(id), admin().token,
             productBody(newSku(), "x", 1, {{"updatedAt", str("2000-01-01T00:00:00.000Z")}})),
        {{"updatedAt", "body"}});
    BOOST_CHECK_EQUAL(adminView(id), before);
}

BOOST_AUTO_TEST_CASE(put_or_patch_to_another_products_sku_is_409_and_changes_nothing) {
    const std::string takenSku = newSku("tk");
    const int64_t owner = createProduct("owner", 1, 0, takenSku);
    const int64_t other = createProduct("other", 2);
    const std::string ownerBefore = adminView(owner);
    const std::string otherBefore = adminView(other);
    for (const char* method : {"PATCH", "PUT"}) {
        BOOST_TEST_CONTEXT(method) {
            const std::string body = std::string(method) == "PUT"
                                         ? productBody(takenSku, "grab", 3)
                                         : object({{"sku", str(takenSku)}, {"name", str("grab")}});
            rapidjson::Document conflict =
                checkError(send(method, productPath(other), admin().token, body), 409, "CONFLICT");
            std::vector<Detail> found = details(conflict);
            BOOST_REQUIRE_EQUAL(found.size(), 1u);
            BOOST_CHECK_EQUAL(found[0].field, "sku");
            BOOST_CHECK_EQUAL(found[0].location, "body");
        }
    }
    for (bool useMultipart : {false, true}) {
        BOOST_TEST_CONTEXT(formName(useMultipart) << " PATCH") {
            checkError(formRequest("PATCH", productPath(other), useMultipart, {{"sku", takenSku}}),
                       409, "CONFLICT");
        }
    }
    BOOST_CHECK_EQUAL(adminView(owner), ownerBefore);
    BOOST_CHECK_EQUAL(adminView(other), otherBefore);
}

BOOST_AUTO_TEST_CASE(form_patch_uses_the_same_rules) {
    for (bool useMultipart : {false, true}) {
        BOOST_TEST_CONTEXT(formName(useMultipart)) {
            const int64_t id = createProduct("form patch", 10, 0);
            rapidjson::Document patched = checkSuccess(
                formRequest("PATCH", productPath(id), useMultipart,
                            {{"priceCents", "2500"}, {"stock", "12"}, {"name", " via form "}}),
                200);
            BOOST_CHECK_EQUAL(intAt(patched, "data.priceCents").value_or(-1), 2500);
            BOOST_CHECK_EQUAL(intAt(patched, "data.stock").value_or(-1), 12);
            BOOST_CHECK_EQUAL(jsonString(patched, "data.name"), "via form");
            const std::string before = adminView(id);
            for (const char* price : {"12abc", "1e3", "-1", "99999999999999999999", "1.5", ""}) {
                BOOST_TEST_CONTEXT("priceCents=" << price) {
                    checkValidation(formRequest("PATCH", productPath(id), useMultipart,
                                                {{"priceCents", price}}),
                                    {{"priceCents", "body"}});
                }
            }
            for (const char* stock : {"1000000001", "-5", "ten"}) {
                BOOST_TEST_CONTEXT("stock=" << stock) {
                    checkValidation(
                        formRequest("PATCH", productPath(id), useMultipart, {{"stock", stock}}),
                        {{"stock", "body"}});
                }
            }
            checkValidation(formRequest("PATCH", productPath(id), useMultipart, {{"sku", "ab-c"}}),
                            {{"sku", "body"}});
            checkValidation(formRequest("PATCH", productPath(id), useMultipart, {}),
                            {{"", "body"}});
            checkValidation(formRequest("PATCH", productPath(id), useMultipart, {{"version", "2"}}),
                            {{"version", "body"}});
            BOOST_CHECK_EQUAL(adminView(id), before);
        }
    }
}

BOOST_AUTO_TEST_CASE(writes_to_a_missing_product_are_404) {
    const int64_t missing = 987654323;
    checkError(send("PATCH", productPath(missing), admin().token, object({{"stock", "1"}})), 404,
               "NOT_FOUND");
    checkError(send("PUT", productPath(missing), admin().token, productBody(newSku(), "x", 1)), 404,
               "NOT_FOUND");
    rapidjson::Document gone =
        checkError(send("DELETE", productPath(missing), admin().token), 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(jsonString(gone, "error"), "Product not found");
}

BOOST_AUTO_TEST_CASE(delete_returns_200_with_the_id_then_the_product_is_gone) {
    const std::string sku = newSku("del");
    const int64_t id = createProduct("short-lived", 1, 0, sku);
    rapidjson::Document body = checkSuccess(send("DELETE", productPath(id), admin().token), 200);
    BOOST_CHECK((memberNames(&body) == std::vector<std::string>{"data", "message", "success"}));
    BOOST_CHECK_EQUAL(jsonString(body, "message"), "Product deleted");
    BOOST_CHECK((memberNames(jsonAt(body, "data")) == std::vector<std::string>{"id"}));
    BOOST_CHECK_EQUAL(intAt(body, "data.id").value_or(0), id);

    checkError(send("GET", productPath(id), admin().token), 404, "NOT_FOUND");
    checkError(send("DELETE", productPath(id), admin().token), 404, "NOT_FOUND");
    checkError(send("PATCH", productPath(id), admin().token, object({{"stock", "1"}})), 404,
               "NOT_FOUND");
    // Its SKU may be used again.
    createProduct("successor", 1, 0, sku);
}

BOOST_AUTO_TEST_CASE(writes_need_a_token_and_the_admin_role) {
    const int64_t id = createProduct("guarded", 100, 1);
    const std::string before = adminView(id);
    const std::string patch = object({{"stock", "99"}});
    const std::string put = productBody(newSku(), "stolen", 1);

    HttpResponse anonymous = send("PATCH", productPath(id), {}, patch);
    checkError(anonymous, 401, "UNAUTHORIZED");
    BOOST_CHECK(anonymous.header("WWW-Authenticate").value_or("").starts_with("Bearer"));
    checkError(send("PUT", productPath(id), {}, put), 401, "UNAUTHORIZED");
    checkError(send("DELETE", productPath(id)), 401, "UNAUTHORIZED");

    Account user = createAccount("user", "pw");
    checkError(send("PATCH", productPath(id), user.token, patch), 403, "FORBIDDEN");
    checkError(send("PUT", productPath(id), user.token, put), 403, "FORBIDDEN");
    checkError(send("DELETE", productPath(id), user.token), 403, "FORBIDDEN");
    for (bool useMultipart : {false, true}) {
        checkError(
            formRequest("PATCH", productPath(id), useMultipart, {{"stock", "99"}}, user.token), 403,
            "FORBIDDEN");
    }
    BOOST_CHECK_EQUAL(adminView(id), before);

    // Another admin may write.
    Account otherAdmin = createAccount("admin", "pwa");
    rapidjson::Document patched =
        checkSuccess(send("PATCH", productPath(id), otherAdmin.token, patch), 200);
    BOOST_CHECK_EQUAL(intAt(patched, "data.stock").value_or(-1), 99);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(products_conditional)

BOOST_AUTO_TEST_CASE(get_carries_a_strong_etag_and_public_cache_control) {
    const std::string tag = uniqueName("etag");
    const int64_t id = createProduct(tag, 100, 1);
    for (const std::string& token : {std::string(), admin().token}) {
        BOOST_TEST_CONTEXT((token.empty() ? "anonymous" : "admin")) {
            for (const std::string& path : {productPath(id), "/api/v1/products?search=" + tag}) {
                BOOST_TEST_CONTEXT("GET " << path) {
                    HttpResponse response = send("GET", path, token);
                    checkSuccess(response, 200);
                    const std::string etag = response.header("ETag").value_or("");
                    BOOST_CHECK_MESSAGE(
                        etag.size() > 2 && etag.front() == '"' && etag.back() == '"',
                        "ETag " << etag << " is not a strong tag");
                    BOOST_CHECK_EQUAL(response.header("Cache-Control").value_or("<none>"),
                                      "public, max-age=30");
                    // The same data gives the same tag.
                    BOOST_CHECK_EQUAL(send("GET", path, token).header("ETag").value_or(""), etag);
                }
            }
        }
    }
    // Errors are never cacheable.
    HttpResponse missing = send("GET", productPath(987654324));
    checkError(missing, 404, "NOT_FOUND");
    BOOST_CHECK_EQUAL(missing.header("Cache-Control").value_or("<none>"), "no-store");
    BOOST_CHECK(!missing.hasHeader("ETag"));
    // Writes are not cacheable either.
    HttpResponse patched = send("PATCH", productPath(id), admin().token, object({{"stock", "2"}}));
    checkSuccess(patched, 200);
    BOOST_CHECK_EQUAL(patched.header("Cache-Control").value_or("<none>"), "no-store");
}

BOOST_AUTO_TEST_CASE(if_none_match_with_the_current_tag_is_304_without_a_body) {
    const std::string tag = uniqueName("inm");
    const int64_t id = createProduct(tag, 100, 1);
    for (const std::string& path : {productPath(id), "/api/v1/products?search=" + tag}) {
        for (const std::string& token : {std::string(), admin().token}) {
            BOOST_TEST_CONTEXT("GET " << path << (token.empty() ? " anonymous" : " admin")) {
                HttpResponse first = send("GET", path, token);
                checkSuccess(first, 200);
                const std::string etag = first.header("ETag").value_or("");
                BOOST_REQUIRE(!etag.empty());
                HttpResponse again = send("GET", path, token, {}, {"If-None-Match: " + etag});
                BOOST_CHECK_EQUAL(again.status, 304);
                BOOST_CHECK(again.body.empty());
                BOOST_CHECK_EQUAL(again.header("ETag").value_or(""), etag);
                HttpResponse listed =
                    send("GET", path, token, {}, {"If-None-Match: \"other\", " + etag});
                BOOST_CHECK_EQUAL(listed.status, 304);
                HttpResponse other = send("GET", path, token, {}, {"If-None-Match: \"other\""});
                checkSuccess(other, 200);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(after_a_patch_the_old_tag_no_longer_gives_304) {
    const int64_t id = createProduct("changing", 100, 1);
    const std::string oldTag = currentTag(id);
    checkSuccess(send("PATCH", productPath(id), admin().token, object({{"priceCents", "101"}})),
                 200);
    HttpResponse response =
        send("GET", productPath(id), admin().token, {}, {"If-None-Match: " + oldTag});
    rapidjson::Document body = checkSuccess(response, 200);
    BOOST_CHECK_EQUAL(intAt(body, "data.priceCents").value_or(-1), 101);
    const std::string newTag = response.header("ETag").value_or("");
    BOOST_CHECK(!newTag.empty() && newTag != oldTag);
    HttpResponse current =
        send("GET", productPath(id), admin().token, {}, {"If-None-Match: " + newTag});
    BOOST_CHECK_EQUAL(current.status, 304);
}

BOOST_AUTO_TEST_CASE(stale_if_match_is_412_and_changes_nothing) {
    const int64_t id = createProduct("guarded by tag", 100, 1);
    const std::string staleTag = currentTag(id);
    checkSuccess(send("PATCH", productPath(id), admin().token, object({{"stock", "2"}})), 200);
    const std::string before = adminView(id);
    const std::vector<std::string> ifMatch = {"If-Match: " + staleTag};

    checkError(send("PATCH", productPath(id), admin().token, object({{"stock", "3"}}), ifMatch),
               412, "PRECONDITION_FAILED");
    checkError(
        send("PUT", productPath(id), admin().token, productBody(newSku(), "replaced", 5), ifMatch),
        412, "PRECONDITION_FAILED");
    checkError(send("DELETE", productPath(id), admin().token, {}, ifMatch), 412,
               "PRECONDITION_FAILED");
    checkError(send("PATCH", productPath(id), admin().token, object({{"stock", "3"}}),
                    {"If-Match: \"0123456789abcdef0123456789abcdef\""}),
               412, "PRECONDITION_FAILED");
    // A weak tag never matches (strong comparison), even the current one.
    checkError(send("PATCH", productPath(id), admin().token, object({{"stock", "3"}}),
                    {"If-Match: W/" + currentTag(id)}),
               412, "PRECONDITION_FAILED");
    BOOST_CHECK_EQUAL(adminView(id), before);
}

BOOST_AUTO_TEST_CASE(current_or_star_if_match_lets_the_write_through) {
    const int64_t id = createProduct("tagged", 100, 1);
    rapidjson::Document patched =
        checkSuccess(send("PATCH", productPath(id), admin().token, object({{"stock", "5"}}),
                          {"If-Match: " + currentTag(id)}),
                     200);
    BOOST_CHECK_EQUAL(intAt(patched, "data.stock").value_or(-1), 5);
    const std::string sku = newSku("im");
    rapidjson::Document replaced = checkSuccess(
        send("PUT", productPath(id), admin().token, productBody(sku, "tagged again", 7),
             {"If-Match: \"0123456789abcdef0123456789abcdef\", " + currentTag(id)}),
        200);
    BOOST_CHECK_EQUAL(jsonString(replaced, "data.sku"), sku);
    rapidjson::Document starred = checkSuccess(
        send("PATCH", productPath(id), admin().token, object({{"stock", "6"}}), {"If-Match: *"}),
        200);
    BOOST_CHECK_EQUAL(intAt(starred, "data.stock").value_or(-1), 6);
    checkSuccess(
        send("DELETE", productPath(id), admin().token, {}, {"If-Match: " + currentTag(id)}), 200);
    checkError(send("GET", productPath(id), admin().token), 404, "NOT_FOUND");
    // Missing stays 404 whatever If-Match says.
    checkError(send("DELETE", productPath(id), admin().token, {}, {"If-Match: *"}), 404,
               "NOT_FOUND");
    // If-Match: * on a product that exists.
    const int64_t other = createProduct("star delete", 1);
    checkSuccess(send("DELETE", productPath(other), admin().token, {}, {"If-Match: *"}), 200);
}

BOOST_AUTO_TEST_CASE(two_clients_patching_with_the_same_tag_one_wins_one_gets_412) {
    const std::string token = admin().token;
    for (int round = 0; round < 5; ++round) {
        BOOST_TEST_CONTEXT("round " << round) {
            const int64_t id = createProduct("race " + std::to_string(round), 100, 1);
            const std::string tag = currentTag(id);
            const std::string url = stack().url(productPath(id));
            const std::string names[2] = {"winner A " + std::to_string(round),
                                          "winner B " + std::to_string(round)};
            HttpResponse results[2];
            std::latch start(2);
            // request() directly: Boost.Test checks are not thread-safe.
            auto client = [&](int which) {
                start.arrive_and_wait();
                results[which] = request(
                    "PATCH", url,
                    {"Content-Type: application/json", bearer(token), "If-Match: " + tag},
                    object({{"name", str(names[which])}, {"stock", std::to_string(which + 10)}}));
            };
            std::thread first(client, 0);
            std::thread second(client, 1);
            first.join();
            second.join();

            const int okCount = static_cast<int>(results[0].status == 200) +
                                static_cast<int>(results[1].status == 200);
            const int failedCount = static_cast<int>(results[0].status == 412) +
                                    static_cast<int>(results[1].status == 412);
            BOOST_CHECK_MESSAGE(
                okCount == 1 && failedCount == 1,
                "statuses " << results[0].summary() << " / " << results[1].summary());
            if (okCount != 1 || failedCount != 1) continue;
            const int winner = results[0].status == 200 ? 0 : 1;
            checkError(results[1 - winner], 412, "PRECONDITION_FAILED");
            rapidjson::Document won = checkSuccess(results[winner], 200);
            BOOST_CHECK_EQUAL(jsonString(won, "data.name"), names[winner]);
            rapidjson::Document stored = checkSuccess(send("GET", productPath(id), token), 200);
            BOOST_CHECK_EQUAL(jsonString(stored, "data.name"), names[winner]);
            BOOST_CHECK_EQUAL(intAt(stored, "data.stock").value_or(-1), winner + 10);
            BOOST_CHECK_EQUAL(jsonDump(*jsonAt(stored, "data")), jsonDump(*jsonAt(won, "data")));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
