// The OpenAPI 3.1 document, generated from the catalogue so that custom fields
// appear as soon as they exist.
#include "http/api.h"
#include "http/openapi_build.h"
#include "http/openapi_leads.h"
#include "http/openapi_sales.h"

namespace rapport {

using nlohmann::json;

namespace {

json FieldSchema(const FieldDef& f) {
  json s;
  switch (f.kind) {
    case FieldKind::kNumber:
    case FieldKind::kMoney: s = {{"type", json::array({"number", "null"})}}; break;
    case FieldKind::kBool: s = {{"type", json::array({"boolean", "null"})}}; break;
    case FieldKind::kMultiPicklist:
      s = {{"type", json::array({"array", "null"})}, {"items", {{"type", "string"}, {"enum", f.options}}}};
      break;
    default: {
      s = {{"type", json::array({"string", "null"})}};
      if (f.kind == FieldKind::kEmail) s["format"] = "email";
      if (f.kind == FieldKind::kUrl) s["format"] = "uri";
      if (f.kind == FieldKind::kDate) s["format"] = "date";
      if (f.kind == FieldKind::kDateTime) s["format"] = "date-time";
      if (f.kind == FieldKind::kPicklist) {
        json e = f.options;
        e.push_back(nullptr);
        s["enum"] = e;
      }
      if (f.kind != FieldKind::kDate && f.kind != FieldKind::kDateTime && f.kind != FieldKind::kPicklist)
        s["maxLength"] = f.EffectiveMaxLength();
    }
  }
  if (f.name == "version") s = {{"type", "integer"}};
  if (f.min) s["minimum"] = *f.min;
  if (f.max) s["maximum"] = *f.max;
  s["title"] = f.label;
  std::string desc = std::string("Kind: ") + FieldKindName(f.kind) + ".";
  if (!f.ref_object.empty()) desc += " References " + f.ref_object + ".";
  if (f.custom) desc += " Custom field.";
  s["description"] = desc;
  if (f.system || f.read_only) s["readOnly"] = true;
  return s;
}

using openapi::JsonContent;
using openapi::Ref;
using openapi::RespRef;

std::string Pascal(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char c : snake) {
    if (c == '_') { up = true; continue; }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

}  // namespace

json BuildOpenApi(const Catalog& cat) {
  json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "Rapport CRM API"},
                 {"version", "1.0.0"},
                 {"description",
                  "REST API of Rapport. Lists take filter=field:op:value (repeatable; ops eq, ne, lt, lte, gt, gte, "
                  "in, not_in, contains, starts_with, is_null) or a JSON object {\"field\":{\"op\":value}}, "
                  "sort=field,-other, limit (1..1000, default 50) and an opaque cursor."}};
  doc["servers"] = json::array({{{"url", "/"}}});
  doc["security"] = json::array({{{"bearer", json::array()}}, {{"session", json::array()}}});
  json comps;
  comps["securitySchemes"] = {
      {"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "API token from `rapport token create`"}}},
      {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "rapport_session"},
                   {"description", "Session cookie from /api/v1/auth/login; unsafe methods also need X-CSRF-Token"}}}};
  comps["schemas"]["Error"] = {
      {"type", "object"},
      {"required", json::array({"error"})},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", json::array({"code", "message"})},
          {"properties",
           {{"code", {{"type", "string"}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", json::array({"string", "null"})}}},
            // issue 5: machine-readable details, e.g. a blocked stage move's missing_fields
            {"details",
             {{"type", "object"},
              {"additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}}}}};
  for (int code : {400, 401, 403, 404, 409, 412, 413, 422, 429}) {
    std::string key = "E";
    key += std::to_string(code);
    std::string desc = "Error ";
    desc += std::to_string(code);
    comps["responses"][key] = {{"description", desc}, {"content", JsonContent(Ref("Error"))}};
  }
  comps["parameters"]["Id"] = {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
  comps["parameters"]["IfMatch"] = {{"name", "If-Match"}, {"in", "header"}, {"required", false},
                                    {"description", "The record version you last read, e.g. \"3\"; 412 if stale"},
                                    {"schema", {{"type", "string"}}}};
  json errs = {{"400", RespRef("E400")}, {"401", RespRef("E401")}, {"403", RespRef("E403")},
               {"404", RespRef("E404")}, {"413", RespRef("E413")}, {"429", RespRef("E429")}};
  json paths;
  for (const auto& [name, def] : cat.objects()) {
    std::string schema = Pascal(name);
    json props = json::object(), input = json::object();
    json required = json::array();
    for (const auto& f : def.fields) {
      props[f.name] = FieldSchema(f);
      if (!f.system && !f.read_only) {
        json s = FieldSchema(f);
        s.erase("readOnly");
        input[f.name] = s;
        if (f.required && f.default_text.empty()) required.push_back(f.name);
      }
    }
    comps["schemas"][schema] = {{"type", "object"}, {"properties", props}};
    comps["schemas"][schema + "Input"] = {{"type", "object"}, {"properties", input}, {"additionalProperties", false}};
    comps["schemas"][schema + "Create"] = {{"allOf", json::array({Ref(schema + "Input")})}, {"required", required}};
    comps["schemas"][schema + "Page"] = {
        {"type", "object"},
        {"properties", {{"data", {{"type", "array"}, {"items", Ref(schema)}}}, {"next_cursor", {{"type", json::array({"string", "null"})}}}}}};
    json one = {{"description", def.label}, {"content", JsonContent(Ref(schema))}};
    std::string base = "/api/v1/" + name;
    json list_params = json::array({
        {{"name", "filter"}, {"in", "query"}, {"schema", {{"type", "array"}, {"items", {{"type", "string"}}}}},
         {"style", "form"}, {"explode", true}},
        {{"name", "sort"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "limit"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}},
        {{"name", "cursor"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "deleted"}, {"in", "query"}, {"schema", {{"type", "string"}, {"enum", {"exclude", "include", "only"}}}}}});
    json list_resp = errs;
    list_resp["200"] = {{"description", "A page of " + name}, {"content", JsonContent(Ref(schema + "Page"))}};
    json create_resp = errs;
    create_resp["201"] = one;
    create_resp["409"] = RespRef("E409");
    create_resp["422"] = RespRef("E422");
    paths[base] = {
        {"get", {{"operationId", "list_" + name}, {"tags", {name}}, {"parameters", list_params}, {"responses", list_resp}}},
        {"post",
         {{"operationId", "create_" + name},
          {"tags", {name}},
          {"requestBody", {{"required", true}, {"content", JsonContent(Ref(schema + "Create"))}}},
          {"responses", create_resp}}}};
    json get_resp = errs;
    get_resp["200"] = one;
    json patch_resp = create_resp;
    patch_resp.erase("201");
    patch_resp["200"] = one;
    patch_resp["412"] = RespRef("E412");
    json del_resp = errs;
    del_resp["200"] = one;
    del_resp["412"] = RespRef("E412");
    paths[base + "/{id}"] = {
        {"parameters", json::array({{{"$ref", "#/components/parameters/Id"}}})},
        {"get", {{"operationId", "get_" + name}, {"tags", {name}}, {"responses", get_resp}}},
        {"patch",
         {{"operationId", "update_" + name},
          {"tags", {name}},
          {"parameters", json::array({{{"$ref", "#/components/parameters/IfMatch"}}})},
          {"requestBody", {{"required", true}, {"content", JsonContent(Ref(schema + "Input"))}}},
          {"responses", patch_resp}}},
        {"delete",
         {{"operationId", "delete_" + name},
          {"tags", {name}},
          {"parameters", json::array({{{"$ref", "#/components/parameters/IfMatch"}}})},
          {"responses", del_resp}}}};
    json restore_resp = errs;
    restore_resp["200"] = one;
    restore_resp["409"] = RespRef("E409");
    paths[base + "/{id}/restore"] = {
        {"parameters", json::array({{{"$ref", "#/components/parameters/Id"}}})},
        {"post", {{"operationId", "restore_" + name}, {"tags", {name}}, {"responses", restore_resp}}}};
    json hist_resp = errs;
    hist_resp["200"] = {{"description", "Audit history, oldest first"},
                        {"content", JsonContent({{"type", "object"},
                                                 {"properties", {{"data", {{"type", "array"}, {"items", Ref("AuditEntry")}}}}}})}};
    paths[base + "/{id}/history"] = {
        {"parameters", json::array({{{"$ref", "#/components/parameters/Id"}}})},
        {"get", {{"operationId", "history_" + name}, {"tags", {name}}, {"responses", hist_resp}}}};
  }
  json nullable_str = {{"type", json::array({"string", "null"})}};
  comps["schemas"]["AuditEntry"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}}, {"at", {{"type", "string"}, {"format", "date-time"}}}, {"action", {{"type", "string"}}},
        {"user_id", nullable_str}, {"field", nullable_str}, {"old_value", json::object()}, {"new_value", json::object()}}}};
  comps["schemas"]["Field"] = {{"type", "object"},
                               {"properties",
                                {{"name", {{"type", "string"}}}, {"label", {{"type", "string"}}}, {"type", {{"type", "string"}}},
                                 {"required", {{"type", "boolean"}}}, {"options", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                 {"reference", {{"type", "string"}}}, {"max_length", {{"type", "integer"}}}, {"indexed", {{"type", "boolean"}}}}}};
  json field_resp = errs;
  field_resp["201"] = {{"description", "The new field"}, {"content", JsonContent(Ref("Field"))}};
  field_resp["409"] = RespRef("E409");
  json fields_list = errs;
  fields_list["200"] = {{"description", "The object's fields"},
                        {"content", JsonContent({{"type", "object"}, {"properties", {{"data", {{"type", "array"}, {"items", Ref("Field")}}}}}})}};
  paths["/api/v1/metadata/{object}/fields"] = {
      {"parameters", json::array({{{"name", "object"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}})},
      {"get", {{"operationId", "list_fields"}, {"tags", {"metadata"}}, {"responses", fields_list}}},
      {"post",
       {{"operationId", "add_field"},
        {"tags", {"metadata"}},
        {"requestBody", {{"required", true}, {"content", JsonContent(Ref("Field"))}}},
        {"responses", field_resp}}}};
  json login_resp = errs;
  login_resp["200"] = {{"description", "Signed in: session cookie set; echo csrf_token in X-CSRF-Token"},
                       {"content", JsonContent({{"type", "object"}})}};
  paths["/api/v1/auth/login"] = {
      {"post",
       {{"operationId", "login"},
        {"tags", {"auth"}},
        {"security", json::array()},
        {"requestBody",
         {{"required", true},
          {"content", JsonContent({{"type", "object"},
                                   {"required", {"email", "password"}},
                                   {"properties", {{"email", {{"type", "string"}}}, {"password", {{"type", "string"}}}, {"org", {{"type", "string"}}}}}})}}},
        {"responses", login_resp}}}};
  paths["/api/v1/auth/logout"] = {
      {"post", {{"operationId", "logout"}, {"tags", {"auth"}}, {"responses", {{"204", {{"description", "Signed out"}}}, {"401", RespRef("E401")}}}}}};
  paths["/api/v1/auth/me"] = {
      {"get", {{"operationId", "me"}, {"tags", {"auth"}}, {"responses", {{"200", {{"description", "The signed-in user"}, {"content", JsonContent({{"type", "object"}})}}}, {"401", RespRef("E401")}}}}}};
  paths["/api/v1/openapi.json"] = {
      {"get", {{"operationId", "openapi"}, {"tags", {"meta"}}, {"security", json::array()}, {"responses", {{"200", {{"description", "This document"}}}}}}}};
  AddLeadGenOpenApi(&paths, &comps["schemas"]);  // issue 4: forms, convert, campaigns, scoring, ... (openapi_leads.cc)
  AddSalesOpenApi(cat, &paths, &comps);  // search, aggregates, exports, deals, cadences, teams, DAV, ... (openapi_sales.cc)
  doc["paths"] = paths;
  doc["components"] = comps;
  return doc;
}

}  // namespace rapport
