// Posts handlers. Any authenticated user reads published posts and their own;
// writes are author-or-admin.
#pragma once

#include "app/context.h"

namespace restd::posts {

void listPosts(app::Context& ctx);
void listUserPosts(app::Context& ctx);
void getPost(app::Context& ctx);
void createPost(app::Context& ctx);
void replacePost(app::Context& ctx);
void patchPost(app::Context& ctx);
void deletePost(app::Context& ctx);

}  // namespace restd::posts
