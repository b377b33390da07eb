// SPDX-License-Identifier: Apache-2.0
#include "resources/posts/routes.h"

#include "resources/posts/handlers.h"
#include "resources/posts/model.h"
#include "resources/posts/rules.h"

namespace restd::posts {

using router::Auth;
using router::Cache;
using router::Method;
using router::Reads;
using router::Route;

std::span<const Route> routes() {
    static const Route kRoutes[] = {
        {.method = Method::Get,
         .path = "/api/v1/posts",
         .auth = Auth::User,
         .list = &rules::kListPosts,
         .cache = Cache::Private,
         .reads = Reads::Replica,
         .handle = listPosts,
         .doc = {.summary = "List posts",
                 .tag = "posts",
                 .ok = 200,
                 .errors = {400, 401},
                 .data = &kPostSchema}},
        {.method = Method::Post,
         .path = "/api/v1/posts",
         .auth = Auth::User,
         .body = &rules::kCreatePost,
         .handle = createPost,
         .doc = {.summary = "Create a post as the caller",
                 .tag = "posts",
                 .ok = 201,
                 .errors = {400, 401, 415},
                 .data = &kPostSchema}},
        {.method = Method::Get,
         .path = "/api/v1/posts/{id}",
         .auth = Auth::User,
         .cache = Cache::Private,
         .handle = getPost,
         .doc = {.summary = "Get a post",
                 .tag = "posts",
                 .ok = 200,
                 .errors = {400, 401, 404},
                 .data = &kPostSchema}},
        {.method = Method::Put,
         .path = "/api/v1/posts/{id}",
         .auth = Auth::User,
         .body = &rules::kReplacePost,
         .handle = replacePost,
         .doc = {.summary = "Replace a post (author or admin)",
                 .tag = "posts",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 415},
                 .data = &kPostSchema}},
        {.method = Method::Patch,
         .path = "/api/v1/posts/{id}",
         .auth = Auth::User,
         .body = &rules::kPatchPost,
         .handle = patchPost,
         .doc = {.summary = "Update fields of a post (author or admin)",
                 .tag = "posts",
                 .ok = 200,
                 .errors = {400, 401, 403, 404, 415},
                 .data = &kPostSchema}},
        {.method = Method::Delete,
         .path = "/api/v1/posts/{id}",
         .auth = Auth::User,
         .handle = deletePost,
         .doc = {.summary = "Delete a post (author or admin)",
                 .tag = "posts",
                 .ok = 200,
                 .errors = {400, 401, 403, 404},
                 .data = &openapi::kDeleted}},
        {.method = Method::Get,
         .path = "/api/v1/users/{id}/posts",
         .auth = Auth::User,
         .list = &rules::kListUserPosts,
         .cache = Cache::Private,
         .handle = listUserPosts,
         .doc = {.summary = "List the posts of a user",
                 .tag = "users",
                 .ok = 200,
                 .errors = {400, 401, 404},
                 .data = &kPostSchema}},
    };
    return kRoutes;
}

}  // namespace restd::posts
