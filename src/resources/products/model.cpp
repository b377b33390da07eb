#include "resources/products/model.h"

namespace restd::products {

void writeProduct(http::JsonWriter& w, const Product& p) {
    w.StartObject();
    w.Key("id");
    w.Int64(p.id);
    w.Key("sku");
    http::writeString(w, p.sku);
    w.Key("name");
    http::writeString(w, p.name);
    w.Key("description");
    http::writeString(w, p.description);
    w.Key("priceCents");
    w.Int64(p.priceCents);
    w.Key("stock");
    w.Int64(p.stock);
    w.Key("createdAt");
    http::writeString(w, p.createdAt);
    w.Key("updatedAt");
    http::writeString(w, p.updatedAt);
    w.EndObject();
}

}  // namespace restd::products
