// SPDX-License-Identifier: Apache-2.0
#include "resources/posts/handlers.h"

#include "resources/posts/repository.h"
#include "resources/support/lists.h"
#include "resources/support/writes.h"
#include "resources/users/repository.h"

namespace restd::posts {

using http::ApiError;

namespace {

repository::Viewer viewerOf(const router::Context& ctx) {
    return {ctx.user().id(), ctx.user().isAdmin()};
}

// Unpublished posts of others do not exist for the caller.
bool visible(const router::Context& ctx, const Post& p) {
    const repository::Viewer v = viewerOf(ctx);
    return p.published || v.admin || p.authorId == v.id;
}

const support::Resource<Post> kPosts{
    .notFound = "Post not found",
    .find = repository::findById,
    .write = [](const router::Context&, http::JsonWriter& w, const Post& p) { writePost(w, p); },
    .visible = visible,
    .owner = [](const Post& p) { return p.authorId; },
};

void sendPost(router::Context& ctx, int status, const Post& p) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writePost(w, p); });
}

// PUT and PATCH (author or admin).
void update(router::Context& ctx) {
    int64_t id = ctx.pathId();
    repository::Changes changes;
    if (auto v = ctx.input.text("title")) changes.title = *v;
    if (auto v = ctx.input.text("body")) changes.body = *v;
    if (auto v = ctx.input.boolean("published")) changes.published = *v;
    // PUT: optional fields omitted take their defaults.
    if (ctx.route.method == http::Method::Put && !changes.published) changes.published = true;
    Post post = support::update(
        ctx, kPosts, id, [&](db::Connection& conn) { repository::update(conn, id, changes); });
    sendPost(ctx, 200, post);
}

}  // namespace

void listPosts(router::Context& ctx) {
    support::sendList(
        ctx, "posts",
        [&](db::Connection& conn, const common::KeySet& key) {
            return repository::findPage(conn, ctx.list, viewerOf(ctx), std::nullopt, key);
        },
        writePost);
}

void listUserPosts(router::Context& ctx) {
    int64_t userId = ctx.pathId();
    support::sendList(
        ctx, "posts",
        [&](db::Connection& conn, const common::KeySet& key) {
            if (!users::repository::findById(conn, userId))
                throw ApiError::notFound("User not found");
            return repository::findPage(conn, ctx.list, viewerOf(ctx), userId, key);
        },
        writePost);
}

void getPost(router::Context& ctx) {
    int64_t id = ctx.pathId();
    Post post =
        ctx.read([&](db::Connection& conn) { return support::load(ctx, conn, kPosts, id); });
    sendPost(ctx, 200, post);
}

void createPost(router::Context& ctx) {
    repository::NewPost np{ctx.user().id(), *ctx.input.text("title"), *ctx.input.text("body"),
                           ctx.input.boolean("published").value_or(true)};
    Post post = support::create(ctx, kPosts,
                                [&](db::Connection& conn) { return repository::insert(conn, np); });
    ctx.res.setHeader("Location", "/api/v1/posts/" + std::to_string(post.id));
    sendPost(ctx, 201, post);
}

void replacePost(router::Context& ctx) { update(ctx); }
void patchPost(router::Context& ctx) { update(ctx); }

void deletePost(router::Context& ctx) {
    int64_t id = ctx.pathId();
    support::remove(ctx, kPosts, id, [&](db::Connection& conn) { repository::remove(conn, id); });
    ctx.res.sendDeleted(id, "Post deleted");
}

}  // namespace restd::posts
