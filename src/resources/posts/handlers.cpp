#include "resources/posts/handlers.h"

#include "auth/policy.h"
#include "db/transaction.h"
#include "resources/posts/repository.h"
#include "resources/users/repository.h"
#include "router/list_response.h"

namespace restd::posts {

using http::ApiError;

namespace {

repository::Viewer viewerOf(const router::Context& ctx) {
    return {ctx.user().id(), ctx.user().isAdmin()};
}

bool visible(const Post& p, const repository::Viewer& v) {
    return p.published || v.admin || p.authorId == v.id;
}

void sendPost(router::Context& ctx, int status, const Post& p) {
    ctx.res.sendData(status, [&](http::JsonWriter& w) { writePost(w, p); });
}

// A post the caller may see, else 404 (unpublished posts of others do not exist for them).
Post loadVisible(router::Context& ctx, db::Connection& conn, int64_t id,
                 db::Lock lock = db::Lock::None) {
    auto post = repository::findById(conn, id, lock);
    if (!post || !visible(*post, viewerOf(ctx))) throw ApiError::notFound("Post not found");
    return *post;
}

void update(router::Context& ctx) {
    int64_t id = ctx.pathId();
    repository::Changes changes;
    if (auto v = ctx.input.text("title")) changes.title = *v;
    if (auto v = ctx.input.text("body")) changes.body = *v;
    if (auto v = ctx.input.boolean("published")) changes.published = *v;
    // PUT: optional fields omitted take their defaults.
    if (ctx.route.method == http::Method::Put && !changes.published) changes.published = true;
    Post post = db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        Post current = loadVisible(ctx, conn, id, db::Lock::ForUpdate);
        auth::requireSelfOrAdmin(ctx.user(), current.authorId);
        ctx.requireIfMatch([&](http::JsonWriter& w) { writePost(w, current); });
        repository::update(conn, id, changes);
        return *repository::findById(conn, id);
    });
    sendPost(ctx, 200, post);
}

}  // namespace

void listPosts(router::Context& ctx) {
    std::string key = router::cursorKey(ctx, "posts");
    auto page = ctx.services.pool.read([&](db::Connection& conn) {
        return repository::findPage(conn, ctx.list, viewerOf(ctx), std::nullopt, key);
    });
    router::sendPage(ctx, page, writePost);
}

void listUserPosts(router::Context& ctx) {
    int64_t userId = ctx.pathId();
    std::string key = router::cursorKey(ctx, "posts");
    auto page = ctx.services.pool.read([&](db::Connection& conn) {
        if (!users::repository::findById(conn, userId)) throw ApiError::notFound("User not found");
        return repository::findPage(conn, ctx.list, viewerOf(ctx), userId, key);
    });
    router::sendPage(ctx, page, writePost);
}

void getPost(router::Context& ctx) {
    int64_t id = ctx.pathId();
    Post post =
        ctx.services.pool.read([&](db::Connection& conn) { return loadVisible(ctx, conn, id); });
    sendPost(ctx, 200, post);
}

void createPost(router::Context& ctx) {
    repository::NewPost np{ctx.user().id(), *ctx.input.text("title"), *ctx.input.text("body"),
                           ctx.input.boolean("published").value_or(true)};
    Post post = db::withAutocommit(
        ctx.services.pool, [&](db::Connection& conn) { return repository::insert(conn, np); });
    ctx.res.setHeader("Location", "/api/v1/posts/" + std::to_string(post.id));
    sendPost(ctx, 201, post);
}

void replacePost(router::Context& ctx) { update(ctx); }
void patchPost(router::Context& ctx) { update(ctx); }

void deletePost(router::Context& ctx) {
    int64_t id = ctx.pathId();
    db::withTransaction(ctx.services.pool, [&](db::Connection& conn) {
        Post current = loadVisible(ctx, conn, id, db::Lock::ForUpdate);
        auth::requireSelfOrAdmin(ctx.user(), current.authorId);
        ctx.requireIfMatch([&](http::JsonWriter& w) { writePost(w, current); });
        repository::remove(conn, id);
    });
    ctx.res.sendDeleted(id, "Post deleted");
}

}  // namespace restd::posts
