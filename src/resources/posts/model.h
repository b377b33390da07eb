// SPDX-License-Identifier: Apache-2.0
// Post: the representation of a blog post, with its author's id and username
// (filled by a JOIN, never one query per row). Plain values.
#pragma once

#include <cstdint>
#include <string>

#include "http/response.h"
#include "openapi/schema.h"

namespace restd::posts {

struct Post {
    int64_t id = 0;
    int64_t authorId = 0;
    std::string authorUsername;
    std::string title;
    std::string body;
    bool published = true;
    std::string createdAt;
    std::string updatedAt;
};

// {id, authorId, author:{id, username}, title, body, published, createdAt, updatedAt}
void writePost(http::JsonWriter& w, const Post& p);

// The OpenAPI schema of what writePost writes.
extern const openapi::Schema kPostSchema;

}  // namespace restd::posts
