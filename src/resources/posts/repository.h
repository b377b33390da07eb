// SPDX-License-Identifier: Apache-2.0
// Posts repository: every SQL statement about the posts table. Reads join
// users for the author's username. Takes the caller's connection; throws
// db::Error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/list_query.h"
#include "db/transaction.h"
#include "resources/posts/model.h"
#include "validation/validator.h"

namespace restd::posts::repository {

// Who is reading: unpublished posts are visible to their author and admins only.
struct Viewer {
    int64_t id = 0;
    bool admin = false;
};

std::optional<Post> findById(db::Connection& conn, int64_t id, db::Lock lock = db::Lock::None);

struct NewPost {
    int64_t authorId = 0;
    std::string title;
    std::string body;
    bool published = true;
};
// The row as stored, read back in the same round trip.
Post insert(db::Connection& conn, const NewPost& post);

struct Changes {
    std::optional<std::string> title;
    std::optional<std::string> body;
    std::optional<bool> published;
};
bool update(db::Connection& conn, int64_t id, const Changes& changes);
bool remove(db::Connection& conn, int64_t id);

using Page = db::ListPage<Post>;
// `authorId` set: only that author's posts (GET /users/{id}/posts).
Page findPage(db::Connection& conn, const validation::ListQuery& q, const Viewer& viewer,
              std::optional<int64_t> authorId, const common::KeySet& cursorKey);

}  // namespace restd::posts::repository
