// SPDX-License-Identifier: Apache-2.0
// Log lines are built by hand (common/log.cpp); every one must still be a JSON
// object that a strict parser reads back to the values given, whatever bytes
// a client put in a path or an id.
#include "common/log.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

using namespace restd;

namespace {

rapidjson::Document parseLine(std::string_view line) {
    BOOST_REQUIRE(!line.empty());
    BOOST_REQUIRE_EQUAL(line.back(), '\n');
    BOOST_REQUIRE_EQUAL(line.find('\n'), line.size() - 1);  // one line, whatever the values
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseStopWhenDoneFlag>(line.data(), line.size() - 1);
    BOOST_REQUIRE_MESSAGE(!doc.HasParseError(), "not JSON: " << line);
    BOOST_REQUIRE(doc.IsObject());
    return doc;
}

std::string stringOf(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(common_log)

BOOST_AUTO_TEST_CASE(fixed_keys_come_first_then_the_fields_in_order) {
    auto doc = parseLine(log::format(log::Level::Warn, "slow request",
                                     {{"requestId", "abc"}, {"status", 404}, {"ok", true}}));
    std::string order;
    for (const auto& m : doc.GetObject()) order += stringOf(m.name) + ",";
    BOOST_TEST(order == "time,level,msg,pid,requestId,status,ok,");
    BOOST_TEST(stringOf(doc["level"]) == "warn");
    BOOST_TEST(stringOf(doc["msg"]) == "slow request");
    BOOST_TEST(doc["pid"].GetInt() == static_cast<int>(getpid()));
    BOOST_TEST(stringOf(doc["time"]).size() == 24u);  // 2026-12-04T16:22:39.123Z
    BOOST_TEST(stringOf(doc["time"]).back() == 'Z');
    BOOST_TEST(stringOf(doc["requestId"]) == "abc");
    BOOST_TEST(doc["status"].GetInt() == 404);
    BOOST_TEST(doc["ok"].GetBool());
}

BOOST_AUTO_TEST_CASE(strings_with_quotes_backslashes_and_control_bytes_read_back_unchanged) {
    std::string nasty = "a\"b\\c\nd\re\tf\bg\fh";
    nasty += '\0';
    nasty += "\x01\x1f\x7f/\xc3\xa9/\xff end";  // DEL, UTF-8 and a stray byte pass through
    auto doc = parseLine(log::format(log::Level::Info, "request", {{"path", nasty}}));
    BOOST_TEST(stringOf(doc["path"]) == nasty);
    // The message and the field names are escaped the same way.
    auto doc2 = parseLine(log::format(log::Level::Info, "say \"hi\"\n", {{"k\"ey", 1}}));
    BOOST_TEST(stringOf(doc2["msg"]) == "say \"hi\"\n");
    BOOST_TEST(doc2["k\"ey"].GetInt() == 1);
}

BOOST_AUTO_TEST_CASE(numbers_and_null_keep_their_values) {
    auto doc =
        parseLine(log::format(log::Level::Error, "n",
                              {{"big", static_cast<long long>(std::numeric_limits<int64_t>::min())},
                               {"ms", 0.714},
                               {"whole", 12.0},
                               {"tiny", 1e-7},
                               {"nan", std::nan("")},
                               {"inf", std::numeric_limits<double>::infinity()},
                               {"userId", nullptr},
                               {"off", false}}));
    BOOST_TEST(doc["big"].GetInt64() == std::numeric_limits<int64_t>::min());
    BOOST_TEST(doc["ms"].GetDouble() == 0.714);
    BOOST_TEST(doc["whole"].GetDouble() == 12.0);
    BOOST_TEST(doc["tiny"].GetDouble() == 1e-7);
    BOOST_TEST(doc["nan"].IsNull());  // JSON has no NaN or infinity
    BOOST_TEST(doc["inf"].IsNull());
    BOOST_TEST(doc["userId"].IsNull());
    BOOST_TEST(doc["off"].IsFalse());
    BOOST_TEST(stringOf(doc["level"]) == "error");
}

BOOST_AUTO_TEST_CASE(a_long_value_is_written_whole) {
    std::string path(70000, 'x');
    path[35000] = '"';
    auto doc = parseLine(log::format(log::Level::Debug, "request", {{"path", path}}));
    BOOST_TEST(stringOf(doc["path"]) == path);
    BOOST_TEST(stringOf(doc["level"]) == "debug");
}

BOOST_AUTO_TEST_CASE(text_that_is_all_escapes_fits_the_line) {
    // Every byte becomes \u00XX, six bytes: the worst case the line is sized for.
    std::string controls(3000, '\x01');
    auto doc = parseLine(log::format(log::Level::Info, controls,
                                     {{controls, controls}, {"b", std::string_view(controls)}}));
    BOOST_TEST(stringOf(doc["msg"]) == controls);
    BOOST_TEST(stringOf(doc[controls.c_str()]) == controls);
    BOOST_TEST(stringOf(doc["b"]) == controls);
}

// While stderr is the journal, journald reads a line's priority from its
// "<N>" prefix (sd-daemon.h's SD_ERR ...): the rest of the line is the JSON.
BOOST_AUTO_TEST_CASE(journal_lines_start_with_their_syslog_priority) {
    struct JournalOff {
        ~JournalOff() { log::setJournal(false); }
    } restore;
    log::setJournal(true);
    const std::pair<log::Level, std::string> expected[] = {{log::Level::Error, "<3>"},
                                                           {log::Level::Warn, "<4>"},
                                                           {log::Level::Info, "<6>"},
                                                           {log::Level::Debug, "<7>"}};
    for (const auto& [level, prefix] : expected) {
        std::string line(log::format(level, "m", {{"k", 1}}));
        BOOST_TEST(line.starts_with(prefix + "{\"time\":"), line);
        auto doc = parseLine(std::string_view(line).substr(3));
        BOOST_TEST(doc["k"].GetInt() == 1);
        BOOST_TEST(log::priorityPrefix(level) == prefix);
    }
    // The worst-case line still fits with the prefix in front.
    std::string controls(3000, '\x01');
    std::string line(log::format(log::Level::Error, controls, {{controls, controls}}));
    BOOST_TEST(line.starts_with("<3>{"));
    BOOST_TEST(stringOf(parseLine(std::string_view(line).substr(3))["msg"]) == controls);

    log::setJournal(false);
    BOOST_TEST(log::format(log::Level::Error, "m", {}).starts_with("{\"time\":"));
    BOOST_TEST(log::priorityPrefix(log::Level::Error).empty());
}

BOOST_AUTO_TEST_CASE(journal_stream_must_name_the_device_and_inode_of_stderr) {
    BOOST_TEST(log::isJournalStream("8:12345", 8, 12345));
    BOOST_TEST(log::isJournalStream("64769:4294967297", 64769, 4294967297ULL));
    BOOST_TEST(!log::isJournalStream(nullptr, 8, 12345));
    BOOST_TEST(!log::isJournalStream("", 8, 12345));
    BOOST_TEST(!log::isJournalStream("8:12346", 8, 12345));  // another stream
    BOOST_TEST(!log::isJournalStream("9:12345", 8, 12345));
    BOOST_TEST(!log::isJournalStream("8", 8, 12345));
    BOOST_TEST(!log::isJournalStream("8:", 8, 12345));
    BOOST_TEST(!log::isJournalStream(":12345", 8, 12345));
    BOOST_TEST(!log::isJournalStream("8:12345x", 8, 12345));
    BOOST_TEST(!log::isJournalStream("8:12345:1", 8, 12345));
    BOOST_TEST(!log::isJournalStream("-8:12345", 8, 12345));
}

BOOST_AUTO_TEST_SUITE_END()
