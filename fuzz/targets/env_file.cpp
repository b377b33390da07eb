// SPDX-License-Identifier: Apache-2.0
// The env file RESTD_ENV_FILE names (parseEnvFile), then the settings read
// from what it holds (Config::fromEnvironment; JWT_SECRET defaulted so that
// the reading goes past it). A file ends in KEY=value pairs or in a
// ConfigError; its pairs, written back double-quoted, read back the same.
#include <map>
#include <string>

#include "common.h"
#include "config/config.h"

namespace {

std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '\\' || c == '"' || c == '$' || c == '`') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using restd::config::Config;
    using restd::config::ConfigError;
    std::vector<std::pair<std::string, std::string>> pairs;
    try {
        pairs = restd::config::parseEnvFile(fuzz::text(data, size), "fuzz.env");
    } catch (const ConfigError&) {
        return 0;
    }
    std::string again;
    std::map<std::string, std::string, std::less<>> file{{"JWT_SECRET", "fuzz"}};
    for (const auto& [key, value] : pairs) {
        FUZZ_CHECK(!key.empty() && key.find_first_of(" \t=#") == std::string::npos);
        again += key + "=" + quoted(value) + "\n";
        file[key] = value;
    }
    FUZZ_CHECK(restd::config::parseEnvFile(again, "again.env") == pairs);
    try {
        Config c = Config::fromEnvironment([&file](const char* name) -> const char* {
            auto it = file.find(std::string_view(name));
            return it != file.end() ? it->second.c_str() : nullptr;
        });
        FUZZ_CHECK(!c.jwtKeys.current().secret.empty() && c.workers >= 1 &&
                   c.threadsPerWorker >= 1);
        FUZZ_CHECK(c.changedFrom(c).empty());
    } catch (const ConfigError&) {
    }
    return 0;
}
