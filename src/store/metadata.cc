#include "store/metadata.h"

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "store/schema.h"

namespace rapport {

using nlohmann::json;

std::string CustomFieldColumn(const std::string& name, FieldKind kind) {
  // The storage class is part of the column name: tables are shared by all
  // organisations, and two organisations may define the same name with
  // different kinds.
  switch (StorageOf(kind)) {
    case StorageClass::kReal: return "cf_" + name + "__num";
    case StorageClass::kInteger: return "cf_" + name + "__int";
    default: return "cf_" + name;
  }
}

Result<int64_t> LoadMetaVersion(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT meta_version FROM organisations WHERE id = ?", {Value{org_id}}));
  if (r.empty()) return Status::NotFound("organisation " + org_id + " not found");
  return std::get<int64_t>(r.rows[0][0]);
}

Result<std::shared_ptr<const Catalog>> LoadCatalog(Conn* c, const std::string& org_id) {
  auto cat = std::make_shared<Catalog>(StandardCatalog());
  RP_ASSIGN_OR_RETURN(int64_t version, LoadMetaVersion(c, org_id));
  cat->set_version(version);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT object, name, label, kind, required, options, max_length, "
                                          "ref_object, indexed FROM metadata_fields WHERE org_id = ? "
                                          "ORDER BY object, position, name",
                                          {Value{org_id}}));
  for (auto& row : rows.rows) {
    std::string object = ValueToString(row[0]);
    auto it = cat->mutable_objects().find(object);
    if (it == cat->mutable_objects().end()) continue;
    FieldDef f;
    f.name = ValueToString(row[1]);
    f.label = ValueToString(row[2]);
    if (!ParseFieldKind(ValueToString(row[3]), &f.kind)) continue;
    f.required = std::get_if<int64_t>(&row[4]) && std::get<int64_t>(row[4]) != 0;
    if (auto* s = std::get_if<std::string>(&row[5])) {
      json o = json::parse(*s, nullptr, false);
      if (o.is_array()) {
        for (auto& e : o) {
          if (e.is_string()) f.options.push_back(e.get<std::string>());
        }
      }
    }
    if (auto* n = std::get_if<int64_t>(&row[6])) f.max_length = static_cast<int>(*n);
    f.ref_object = ValueToString(row[7]);
    f.indexed = std::get_if<int64_t>(&row[8]) && std::get<int64_t>(row[8]) != 0;
    f.custom = true;
    f.column = CustomFieldColumn(f.name, f.kind);
    it->second.fields.push_back(std::move(f));
    it->second.Reindex();
  }
  return std::shared_ptr<const Catalog>(std::move(cat));
}

Status AddCustomField(Conn* c, const TenantScope& scope, const std::string& object, FieldDef field) {
  const ObjectDef* std_def = StandardCatalog().Find(object);
  if (!std_def) return Status::NotFound("unknown object '" + object + "'");
  if (!IsValidFieldName(field.name) || field.name.rfind("cf_", 0) == 0)
    return Status::InvalidArgument("name: lower-case letters, digits and single underscores, starting with a letter",
                                   "name");
  field.custom = true;
  field.column = CustomFieldColumn(field.name, field.kind);
  return InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Rows existing,
                        c->Query("SELECT 1 FROM metadata_fields WHERE org_id = ? AND object = ? AND name = ?",
                                 {Value{scope.org_id()}, Value{object}, Value{field.name}}));
    if (!existing.empty() || std_def->Find(field.name))
      return Status::Conflict("field '" + field.name + "' already exists on " + object, "name");
    RP_ASSIGN_OR_RETURN(Rows pos, c->Query("SELECT COUNT(*) FROM metadata_fields WHERE org_id = ? AND object = ?",
                                           {Value{scope.org_id()}, Value{object}}));
    json opts = field.options;
    auto ins = c->Exec(
        "INSERT INTO metadata_fields (org_id, object, name, label, kind, required, options, max_length, ref_object, "
        "indexed, position, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value{scope.org_id()}, Value{object}, Value{field.name}, Value{field.label},
         Value{std::string(FieldKindName(field.kind))}, Value{int64_t{field.required ? 1 : 0}},
         field.options.empty() ? Value{} : Value{opts.dump()},
         field.max_length > 0 ? Value{int64_t{field.max_length}} : Value{},
         field.ref_object.empty() ? Value{} : Value{field.ref_object}, Value{int64_t{field.indexed ? 1 : 0}},
         pos.rows[0][0], Value{NowIso()}, scope.user_id().empty() ? Value{} : Value{scope.user_id()}});
    if (!ins.ok()) return ins.status();
    // Column (and index) shared by every organisation's rows of this object.
    ObjectDef def = *std_def;
    def.fields.push_back(field);
    def.Reindex();
    RP_RETURN_IF_ERROR(EnsureObjectTable(c, def));
    auto bump = c->Exec("UPDATE organisations SET meta_version = meta_version + 1 WHERE id = ?",
                        {Value{scope.org_id()}});
    return bump.ok() ? Status::Ok() : bump.status();
  });
}

}  // namespace rapport
