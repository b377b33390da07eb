// SPDX-License-Identifier: Apache-2.0
// Collection responses (docs/api.md "Lists"): the envelope of one page with its
// meta, and the key that tags a resource's list cursors.
#pragma once

#include <string>
#include <string_view>

#include "common/key_set.h"
#include "db/list_query.h"
#include "router/context.h"

namespace restd::router {

// The keys of `resource`'s list cursors, derived from the signing keys (with
// their ids): a cursor of one resource's list is refused by another's, even
// for a sort field of the same name.
inline common::KeySet cursorKey(const Context& ctx, std::string_view resource) {
    return ctx.services.config.jwtKeys.derive("restd list cursor " + std::string(resource));
}

// {"success":true,"data":[<writeItem(w, item)>...],
//  "meta":{"page","limit"[,"total","totalPages"],"nextCursor"}}
// Cursor pages carry no totals (they skip the COUNT).
template <class T, class WriteItem>
void sendPage(Context& ctx, const db::ListPage<T>& page, WriteItem&& writeItem) {
    ctx.res.sendList(
        [&](http::JsonWriter& w) {
            w.StartArray();
            for (const T& item : page.items) writeItem(w, item);
            w.EndArray();
        },
        [&](http::JsonWriter& w) {
            w.StartObject();
            w.Key("page");
            w.Int64(ctx.list.cursor ? 1 : ctx.list.page);
            w.Key("limit");
            w.Int64(ctx.list.limit);
            if (page.total) {
                w.Key("total");
                w.Int64(*page.total);
                w.Key("totalPages");
                w.Int64((*page.total + ctx.list.limit - 1) / ctx.list.limit);
            }
            w.Key("nextCursor");
            if (page.nextCursor)
                http::writeString(w, *page.nextCursor);
            else
                w.Null();
            w.EndObject();
        });
}

}  // namespace restd::router
