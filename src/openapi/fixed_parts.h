// SPDX-License-Identifier: Apache-2.0
// The parts of the OpenAPI document that no route changes: the API's long
// description, the bearer security scheme and the shared schemas (the error
// envelope, its details, list meta). Kept apart from document.cpp, which
// generates the rest from the route table, so that each reads as what it is:
// fixed text here, generation there.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace restd::openapi {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// info.description: what holds for every operation.
extern const std::string_view kDescription;

// The members of components.securitySchemes.
void writeSecuritySchemes(Writer& w);

// The members of components.schemas that no route brings (the operations
// refer to them by name): ErrorDetail, Error, ListMeta.
void writeFixedSchemas(Writer& w);

}  // namespace restd::openapi
