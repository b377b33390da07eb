// SPDX-License-Identifier: Apache-2.0
// The fixed parts of the OpenAPI document (see fixed_parts.h): the components
// as one JSON literal, parsed once, and the long description.
#include "openapi/fixed_parts.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <stdexcept>
#include <string>

#include "http/error_code.h"

namespace restd::openapi {

const std::string_view kDescription =
    "restd: JSON REST API. Every JSON response uses one envelope: "
    "`{success: true, data, message?, meta?}` or `{success: false, error, code, details?, "
    "requestId}`. Every response carries `X-Request-ID`.\n\n"
    "**Lists** take `page`, `limit`, `sort`, `search`, filters, or `cursor`. Offset pages "
    "return `meta.total` and `totalPages`: exact up to 1,000 matches; larger totals are "
    "reused by a worker for up to 10 seconds, because a fresh COUNT(*) of a million rows "
    "costs about a hundred pages. Pass `cursor` (the previous `meta.nextCursor`) to walk a "
    "large collection: a cursor page costs the same at any depth and carries no totals.\n\n"
    "**Caching**: 200 GET responses carry a strong `ETag`; `If-None-Match` gives 304. "
    "PUT, PATCH and DELETE honour `If-Match` (412 when stale, checked atomically with the "
    "write). **Idempotent retries**: an authenticated POST honours `Idempotency-Key`; the "
    "record belongs to the user. Public routes (register, login, refresh, logout) ignore the "
    "header: restd keeps no record for anonymous callers, and never stores credentials.\n\n"
    "nginx in front answers some requests itself with the same error envelope: 400 "
    "`BAD_REQUEST` (malformed HTTP, headers too large), 405 `METHOD_NOT_ALLOWED` (`TRACE`, with "
    "`Allow`), 411 `LENGTH_REQUIRED`, 412 `PRECONDITION_FAILED` (`If-Match` on a micro-cached "
    "product read), 413 `PAYLOAD_TOO_LARGE`, 414 `URI_TOO_LONG`, 429 `RATE_LIMITED`, 502 "
    "`BAD_GATEWAY`, 503 `SERVICE_UNAVAILABLE`, 504 `GATEWAY_TIMEOUT`.";

namespace {

// Written member by member, in this order, into the generated document.
constexpr std::string_view kComponents = R"json({
  "securitySchemes": {
    "bearerAuth": {
      "type": "http",
      "scheme": "bearer",
      "bearerFormat": "JWT",
      "description": "Access token from register, login or refresh (HS256, 15 minutes by default)"
    }
  },
  "schemas": {
    "ErrorDetail": {
      "type": "object",
      "properties": {
        "field": {"type": "string"},
        "message": {"type": "string"},
        "location": {"enum": ["body", "query", "path", "header"]}
      },
      "required": ["field", "message", "location"],
      "additionalProperties": false
    },
    "Error": {
      "type": "object",
      "properties": {
        "success": {"enum": [false]},
        "error": {"type": "string"},
        "code": {
          "type": "string",
          "description": "What went wrong, for clients to branch on (the message is for people). BAD_REQUEST, LENGTH_REQUIRED, URI_TOO_LONG, NOT_IMPLEMENTED, BAD_GATEWAY, GATEWAY_TIMEOUT and HTTP_VERSION_NOT_SUPPORTED come from nginx in front of restd. A new code is added only with a new minor version; clients should treat an unknown one by its status."
        },
        "requestId": {"type": "string"},
        "details": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorDetail"}}
      },
      "required": ["success", "error", "code", "requestId"],
      "additionalProperties": false
    },
    "ListMeta": {
      "type": "object",
      "description": "Offset pages carry total and totalPages; cursor pages do not.",
      "properties": {
        "page": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 0},
        "total": {"type": "integer", "minimum": 0},
        "totalPages": {"type": "integer", "minimum": 0},
        "nextCursor": {"type": ["string", "null"]}
      },
      "required": ["page", "limit", "nextCursor"],
      "additionalProperties": false
    }
  }
})json";

const rapidjson::Document& components() {
    static const rapidjson::Document kParsed = [] {
        rapidjson::Document d;
        d.Parse(kComponents.data(), kComponents.size());
        if (d.HasParseError()) {
            throw std::logic_error(std::string("fixed OpenAPI components: ") +
                                   rapidjson::GetParseError_En(d.GetParseError()));
        }
        // The codes come from the one table restd's errors are made from.
        auto& a = d.GetAllocator();
        rapidjson::Value codes(rapidjson::kArrayType);
        for (const auto& c : http::kErrorCodes) {
            codes.PushBack(rapidjson::StringRef(c.name.data(), c.name.size()), a);
        }
        d["schemas"]["Error"]["properties"]["code"].AddMember("enum", codes, a);
        return d;
    }();
    return kParsed;
}

// Writes the members of components()[part], keys and values as they are.
void writeMembers(Writer& w, const char* part) {
    for (const auto& m : components()[part].GetObject()) {
        w.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(w);
    }
}

}  // namespace

void writeSecuritySchemes(Writer& w) { writeMembers(w, "securitySchemes"); }

void writeFixedSchemas(Writer& w) { writeMembers(w, "schemas"); }

}  // namespace restd::openapi
