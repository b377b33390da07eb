// SPDX-License-Identifier: Apache-2.0
#include "resources/posts/model.h"

namespace restd::posts {

namespace {
const openapi::Property kAuthorProps[] = {{"id", &openapi::kId}, {"username", &openapi::kString}};
const openapi::Schema kAuthor{.name = "PostAuthor", .properties = kAuthorProps};
const openapi::Property kPostProps[] = {
    {"id", &openapi::kId},
    {"authorId", &openapi::kId},
    {"author", &kAuthor},
    {"title", &openapi::kString},
    {"body", &openapi::kString},
    {"published", &openapi::kBoolean},
    {"createdAt", &openapi::kTimestamp},
    {"updatedAt", &openapi::kTimestamp},
};
}  // namespace

const openapi::Schema kPostSchema{.name = "Post", .properties = kPostProps};

void writePost(http::JsonWriter& w, const Post& p) {
    w.StartObject();
    w.Key("id");
    w.Int64(p.id);
    w.Key("authorId");
    w.Int64(p.authorId);
    w.Key("author");
    w.StartObject();
    w.Key("id");
    w.Int64(p.authorId);
    w.Key("username");
    http::writeString(w, p.authorUsername);
    w.EndObject();
    w.Key("title");
    http::writeString(w, p.title);
    w.Key("body");
    http::writeString(w, p.body);
    w.Key("published");
    w.Bool(p.published);
    w.Key("createdAt");
    http::writeString(w, p.createdAt);
    w.Key("updatedAt");
    http::writeString(w, p.updatedAt);
    w.EndObject();
}

}  // namespace restd::posts
