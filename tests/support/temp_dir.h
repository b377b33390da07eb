// SPDX-License-Identifier: Apache-2.0
// A scratch folder under /tmp, removed with everything in it when the object
// goes. Short on purpose: unix socket paths must fit sun_path (108 bytes),
// and the repository, where the stack's own files live, may be deep.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace restd::test {

struct ShortTempDir {
    std::filesystem::path path;
    explicit ShortTempDir(const std::string& name) {
        std::string tmpl = "/tmp/restd-" + name + "-XXXXXX";
        if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~ShortTempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    ShortTempDir(const ShortTempDir&) = delete;
    ShortTempDir& operator=(const ShortTempDir&) = delete;
};

}  // namespace restd::test
