// SPDX-License-Identifier: Apache-2.0
#include "app/process_stats.h"

#include <unistd.h>

#include <boost/test/unit_test.hpp>

using restd::app::metrics::parseProcStat;
using restd::app::metrics::sampleProcess;

BOOST_AUTO_TEST_SUITE(app_process_stats)

// proc(5): utime, stime, cutime, cstime are fields 14-17, rss is field 24.
BOOST_AUTO_TEST_CASE(reads_cpu_and_rss_after_a_command_name_with_spaces_and_parens) {
    const std::string stat =
        "4242 (re) (std x) S 1 4242 4242 0 -1 4194560 2000 0 0 0 "
        "150 50 30 20 20 0 17 0 123456 300000000 2500 18446744073709551615 1 1 0 0 0 0 0 "
        "4096 0 0 0 0 17 1 0 0 0 0 0\n";
    auto s = parseProcStat(stat, 100, 4096);
    BOOST_REQUIRE(s.has_value());
    BOOST_TEST(s->cpuSeconds == 2.0);          // (150 + 50) / 100
    BOOST_TEST(s->reapedChildSeconds == 0.5);  // (30 + 20) / 100
    BOOST_TEST(s->residentBytes == 2500u * 4096u);
}

BOOST_AUTO_TEST_CASE(refuses_truncated_or_garbled_text) {
    BOOST_TEST(!parseProcStat("", 100, 4096).has_value());
    BOOST_TEST(!parseProcStat("4242 (x) S 1 2 3", 100, 4096).has_value());
    BOOST_TEST(!parseProcStat("4242 (x) S 1 2 3 4 5 6 7 8 9 10 x 12 13 14 15 16 17 18 19 20 21 22",
                              100, 4096)
                    .has_value());
}

BOOST_AUTO_TEST_CASE(samples_this_process_and_not_a_missing_one) {
    auto self = sampleProcess(getpid());
    BOOST_REQUIRE(self.has_value());
    BOOST_TEST(self->residentBytes > 0u);
    BOOST_TEST(self->openFds >= 3u);
    BOOST_TEST(!sampleProcess(0x7ffffff0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
