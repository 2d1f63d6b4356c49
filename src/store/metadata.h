// Custom field metadata: loading an organisation's catalogue and adding fields.
#pragma once

#include <memory>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

// The organisation's metadata version (bumped by every metadata change).
Result<int64_t> LoadMetaVersion(Conn* c, const std::string& org_id);

// Standard catalogue plus the organisation's custom fields.
Result<std::shared_ptr<const Catalog>> LoadCatalog(Conn* c, const std::string& org_id);

// Adds a custom field to `object` in one write transaction: the metadata row,
// the column (if no organisation created it before) and its index when
// `field.indexed`, and a bumped meta_version. Conflict if the name is taken.
// `field.column` is set from the name and storage class.
Status AddCustomField(Conn* c, const TenantScope& scope, const std::string& object, FieldDef field);

// The column a custom field of this name and kind is stored in.
std::string CustomFieldColumn(const std::string& name, FieldKind kind);

}  // namespace rapport
