// Object and field metadata: what every object is made of.
//
// An ObjectDef lists its fields (system, standard and custom) with their kind
// and constraints; the store derives columns and SQL from it, the API derives
// validation, filtering and the OpenAPI document from it. Standard objects are
// declared in code (catalog.cc); custom fields are rows of `metadata_fields`
// merged in per organisation. ObjectDefs are immutable once built and shared
// across threads through std::shared_ptr<const Catalog>.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rapport {

// The closed catalogue of field kinds.
enum class FieldKind {
  kText,
  kLongText,  // multi-line text (descriptions, notes), up to 100,000 characters
  kEmail,
  kPhone,
  kUrl,
  kNumber,
  kMoney,
  kDate,
  kDateTime,
  kBool,
  kPicklist,
  kMultiPicklist,
  kReference,
};

const char* FieldKindName(FieldKind k);
// Parses an API kind name ("text", "multi_picklist", ...). False if unknown.
bool ParseFieldKind(const std::string& name, FieldKind* out);

// How a column is stored: text, real (number/money) or integer (bool, version).
enum class StorageClass { kText, kReal, kInteger };
StorageClass StorageOf(FieldKind k);

struct FieldDef {
  std::string name;    // API name, snake_case
  std::string label;   // shown to people
  FieldKind kind = FieldKind::kText;
  std::string column;  // database column (custom fields: "cf_" + name)
  bool required = false;
  bool system = false;     // id, version, created_at, ...: never written by clients
  bool read_only = false;  // returned but not writable through the API
  bool custom = false;
  bool indexed = false;    // has an (org_id, column, id) index: fast filter/sort
  int max_length = 0;      // text kinds; 0 means the kind's default
  std::optional<double> min, max;  // number kinds
  std::vector<std::string> options;  // picklists
  std::string ref_object;  // reference: target object ("" = polymorphic)
  std::string default_text;  // default for picklists on create, if any

  int EffectiveMaxLength() const;
};

// Who may see and change the rows of an object.
enum class Access {
  kOwned,      // owner_id/team_id rows: reps see theirs and their team's
  kOrgConfig,  // organisation-wide configuration: everyone reads, admins write
  kUsers,      // the users object: everyone reads, admins write
};

struct ObjectDef {
  std::string name;    // plural snake_case API name, e.g. "contacts"
  std::string label;   // "Contact"
  std::string table;   // database table
  Access access = Access::kOwned;
  std::vector<FieldDef> fields;  // in display order; system fields first
  // Global search: the fields that make a result's title and subtitle, and
  // every field whose words are indexed. Empty title_fields: not searchable.
  std::vector<std::string> title_fields;
  std::vector<std::string> subtitle_fields;
  std::vector<std::string> search_fields;

  // Extra list indexes: (org_id, columns..., id) for a filter + sort shape
  // that list views use often, e.g. contacts by country sorted by last name.
  std::vector<std::vector<std::string>> list_indexes;
  // "id, version, ..." in field order (kept by Reindex()).
  const std::string& column_list() const { return column_list_; }

  const FieldDef* Find(const std::string& field) const;
  // Index of the field in `fields`, or -1.
  int IndexOf(const std::string& field) const;
  void Reindex();  // rebuilds the name index after fields change

 private:
  std::unordered_map<std::string, int> by_name_;
  std::string column_list_;
};

// The objects of one organisation (standard + its custom fields).
class Catalog {
 public:
  const ObjectDef* Find(const std::string& object) const;
  const std::map<std::string, ObjectDef>& objects() const { return objects_; }
  std::map<std::string, ObjectDef>& mutable_objects() { return objects_; }
  int64_t version() const { return version_; }
  void set_version(int64_t v) { version_ = v; }

 private:
  std::map<std::string, ObjectDef> objects_;
  int64_t version_ = 0;
};

// The standard catalogue, identical for every organisation (built once).
const Catalog& StandardCatalog();

// True for a valid custom field / object name: [a-z][a-z0-9_]{0,62}, with no
// "__" and no trailing "_" (custom-field columns use "__" suffixes).
bool IsValidFieldName(const std::string& name);

}  // namespace rapport
