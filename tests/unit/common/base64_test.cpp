// SPDX-License-Identifier: Apache-2.0
// base64url as tokens and cursors use it: no padding, one text per byte string.
#include "common/base64.h"

#include <boost/test/unit_test.hpp>

using namespace restd::common;

BOOST_AUTO_TEST_SUITE(common_base64)

BOOST_AUTO_TEST_CASE(base64url_has_no_padding_and_refuses_padding_and_other_alphabets) {
    BOOST_TEST(base64UrlEncode("\xfb\xff") == "-_8");
    BOOST_TEST(base64UrlEncode("f") == "Zg");
    BOOST_TEST(base64UrlDecode("-_8").value_or("") == "\xfb\xff");
    BOOST_TEST(!base64UrlDecode("Zg==").has_value());
    BOOST_TEST(!base64UrlDecode("+/8").has_value());
    BOOST_TEST(!base64UrlDecode("Z").has_value());  // one char never encodes a byte
}

BOOST_AUTO_TEST_CASE(every_byte_value_round_trips) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (size_t n = 0; n <= all.size(); n += 37) {
        std::string part = all.substr(0, n);
        BOOST_TEST(base64UrlDecode(base64UrlEncode(part)).value_or("<none>") == part);
    }
}

BOOST_AUTO_TEST_CASE(nonzero_trailing_bits_are_refused) {
    BOOST_TEST(base64UrlDecode("Zg").value_or("") == "f");
    BOOST_TEST(!base64UrlDecode("Zh").has_value());  // same byte, other unused bits
}

BOOST_AUTO_TEST_SUITE_END()
