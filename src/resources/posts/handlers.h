// SPDX-License-Identifier: Apache-2.0
// Posts handlers. Any authenticated user reads published posts and their own;
// writes are author-or-admin.
#pragma once

#include "router/context.h"

namespace restd::posts {

void listPosts(router::Context& ctx);
void listUserPosts(router::Context& ctx);
void getPost(router::Context& ctx);
void createPost(router::Context& ctx);
void replacePost(router::Context& ctx);
void patchPost(router::Context& ctx);
void deletePost(router::Context& ctx);

}  // namespace restd::posts
