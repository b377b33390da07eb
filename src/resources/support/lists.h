// SPDX-License-Identifier: Apache-2.0
// A list handler's steps, shared by the resources' collection GETs: the
// cursor key of the resource's lists, one pooled read of the page, and the
// list envelope.
#pragma once

#include <string>
#include <string_view>

#include "router/context.h"
#include "router/list_response.h"

namespace restd::support {

// `find(conn, cursorKey)` reads the page on a pooled connection, with the
// cursor key of `resource`'s lists; the page is sent in the list envelope,
// `write(w, item)` for each item.
template <class Find, class Write>
void sendList(router::Context& ctx, std::string_view resource, Find&& find, Write&& write) {
    const common::KeySet key = router::cursorKey(ctx, resource);
    auto page = ctx.read([&](db::Connection& conn) { return find(conn, key); });
    router::sendPage(ctx, page, write);
}

}  // namespace restd::support
