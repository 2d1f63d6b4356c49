// Builders for the OpenAPI document's JSON (schemas, parameters, operations),
// shared by openapi.cc, openapi_leads.cc and openapi_sales.cc. Each returns a
// fresh nlohmann::json value; no state.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

namespace rapport::openapi {

using nlohmann::json;

inline json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
inline json RespRef(const std::string& name) { return {{"$ref", "#/components/responses/" + name}}; }
inline json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

inline json Str() { return {{"type", "string"}}; }
inline json NStr() { return {{"type", json::array({"string", "null"})}}; }
inline json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
inline json NDateTime() { return {{"type", json::array({"string", "null"})}, {"format", "date-time"}}; }
inline json Int() { return {{"type", "integer"}}; }
inline json Num() { return {{"type", "number"}}; }
inline json NNum() { return {{"type", json::array({"number", "null"})}}; }
inline json Bool() { return {{"type", "boolean"}}; }
inline json Arr(const json& items) { return {{"type", "array"}, {"items", items}}; }
inline json AnyObject() { return {{"type", "object"}}; }
inline json Enum(std::initializer_list<const char*> values) {
  json e = json::array();
  for (const char* v : values) e.push_back(v);
  return {{"type", "string"}, {"enum", e}};
}
// An object schema; `closed`: no other properties allowed.
inline json Obj(const json& props, const json& required = json::array(), bool closed = false) {
  json o = {{"type", "object"}, {"properties", props}};
  if (!required.empty()) o["required"] = required;
  if (closed) o["additionalProperties"] = false;
  return o;
}

inline json PathParam(const std::string& name, const std::string& desc = {}) {
  json p = {{"name", name}, {"in", "path"}, {"required", true}, {"schema", Str()}};
  if (!desc.empty()) p["description"] = desc;
  return p;
}
inline json QueryParam(const std::string& name, const json& schema, const std::string& desc = {},
                       bool required = false) {
  json p = {{"name", name}, {"in", "query"}, {"required", required}, {"schema", schema}};
  if (!desc.empty()) p["description"] = desc;
  return p;
}

// The errors of an authenticated /api/v1 route (400 bad input, 401 not
// signed in, 403 not allowed, 404 unknown or invisible record), plus `extra`.
inline json Errors(std::initializer_list<int> extra = {}) {
  json e = {{"400", RespRef("E400")}, {"401", RespRef("E401")}, {"403", RespRef("E403")}, {"404", RespRef("E404")}};
  for (int code : extra) e[std::to_string(code)] = RespRef("E" + std::to_string(code));
  return e;
}

// One operation answering JSON (`ok_schema`; null: any object) with
// `ok_code`; `body` is the JSON request body's schema (null: none).
inline json Op(const std::string& id, const std::string& tag, const std::string& summary, const json& ok_schema,
               int ok_code = 200, const json& body = nullptr, std::initializer_list<int> extra = {}) {
  json responses = Errors(extra);
  responses[std::to_string(ok_code)] = {
      {"description", summary}, {"content", JsonContent(ok_schema.is_null() ? AnyObject() : ok_schema)}};
  json op = {{"operationId", id}, {"tags", {tag}}, {"summary", summary}, {"responses", responses}};
  if (!body.is_null()) op["requestBody"] = {{"required", true}, {"content", JsonContent(body)}};
  return op;
}

// An operation answering 204 with no body.
inline json NoContentOp(const std::string& id, const std::string& tag, const std::string& summary,
                        std::initializer_list<int> extra = {}) {
  json responses = Errors(extra);
  responses["204"] = {{"description", summary}};
  return {{"operationId", id}, {"tags", {tag}}, {"summary", summary}, {"responses", responses}};
}

}  // namespace rapport::openapi
