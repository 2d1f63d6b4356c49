// The OpenAPI description of the sales, service, commitments, team-selling
// and infrastructure routes (see openapi_sales.h). Each entry follows its
// handler: api.cc (search, aggregate, export.csv, revise, document, health,
// stage_history, metadata, auth/password, me/ical), api_commitments.cc,
// api_cadences.cc, api_team.cc, dav.cc.
#include "http/openapi_sales.h"

#include <string>

#include "http/openapi_build.h"

namespace rapport {

using nlohmann::json;

namespace {

using namespace openapi;  // NOLINT: the builders of openapi_build.h

const json& IdParams() {
  static const json k = json::array({{{"$ref", "#/components/parameters/Id"}}});
  return k;
}
json IfMatch() { return {{"$ref", "#/components/parameters/IfMatch"}}; }

// A copy of the generated record schema `name` with some properties replaced.
json Refine(const json& schemas, const std::string& name, const json& replace) {
  json s = schemas.contains(name) ? schemas[name] : json{{"type", "object"}, {"properties", json::object()}};
  for (auto it = replace.begin(); it != replace.end(); ++it) s["properties"][it.key()] = it.value();
  return s;
}

void Schemas(json* schemas_ptr) {
  json& S = *schemas_ptr;
  S["SearchHits"] = Obj({{"data", Arr(Obj({{"object", {{"type", "string"}, {"description", "The object, e.g. accounts"}}},
                                            {"id", Str()},
                                            {"title", Str()},
                                            {"subtitle", NStr()}},
                                           json::array({"object", "id", "title"})))}},
                        json::array({"data"}));
  S["AggregateRows"] = Obj(
      {{"data", Arr(Obj({{"key", {{"description", "The group_by value (null for records without one)"}}},
                          {"count", Int()},
                          {"sum", {{"type", json::array({"number", "null"})}, {"description", "Sum of the sum= field"}}},
                          {"weighted_sum", {{"type", json::array({"number", "null"})},
                                            {"description", "Sum of sum= x weight= / 100 (opportunities: probability)"}}}},
                         json::array({"key", "count"})))}},
      json::array({"data"}));
  S["ObjectsMetadata"] = Obj(
      {{"data", {{"type", "object"},
                 {"description", "Every object by name, with its fields"},
                 {"additionalProperties", Obj({{"name", Str()}, {"label", Str()}, {"fields", Arr(Ref("Field"))}})}}}});
  S["PasswordChange"] = Obj({{"current_password", {{"type", "string"}, {"minLength", 1}}},
                             {"new_password", {{"type", "string"}, {"minLength", 1},
                                               {"description", "At least 10 characters; must differ from the current one"}}}},
                            json::array({"current_password", "new_password"}), true);
  S["ICalFeedUrl"] = Obj({{"path", {{"type", "string"}, {"description", "/ical/{secret}.ics (shown once)"}}},
                          {"url", {{"type", json::array({"string", "null"})}, {"format", "uri"}}}},
                         json::array({"path", "url"}));

  // --- stages, deals, accounts, quotes
  S["StageMoveError"] = {
      {"description",
       "A refused stage move (422): the deal cannot leave its stage until the stage's exit criteria are met, "
       "or a won/lost stage needs close_reason. `field` names the first missing field (or stage_id)."},
      {"type", "object"},
      {"required", json::array({"error"})},
      {"properties",
       {{"error",
         Obj({{"code", Enum({"unprocessable"})},
              {"message", Str()},
              {"field", NStr()},
              {"details", Obj({{"missing_fields", {{"type", "array"}, {"items", Str()},
                                                   {"description", "Fields to fill before the move"}}},
                               {"missing_activities", {{"type", "array"}, {"items", Str()},
                                                       {"description", "Activity types to log (done) before leaving"}}},
                               {"from_stage", {{"type", "array"}, {"items", Str()}, {"maxItems", 1},
                                               {"description", "The stage the deal cannot leave yet (exit criteria)"}}},
                               {"to_kind", {{"type", "array"}, {"items", Enum({"won", "lost"})}, {"maxItems", 1},
                                            {"description", "A closing move without close_reason"}}}},
                              json::array({"missing_fields", "missing_activities"}))}},
             json::array({"code", "message", "details"}))}}}};
  S["StageHistory"] = Obj(
      {{"data", Arr(Obj({{"id", Str()},
                          {"from_stage_id", NStr()},
                          {"to_stage_id", Str()},
                          {"at", DateTime()},
                          {"user_id", NStr()},
                          {"amount", NNum()},
                          {"currency", NStr()},
                          {"probability", NNum()},
                          {"seconds_in_stage", Int()},
                          {"current", {{"type", "boolean"}, {"description", "The open deal's present stage"}}}}))},
       {"cycle_seconds", {{"type", "integer"}, {"description", "Created to closed (or now)"}}},
       {"closed", Bool()}},
      json::array({"data", "cycle_seconds", "closed"}));
  json money = Arr(Obj({{"currency", NStr()}, {"amount", Num()}}));
  S["AccountHealth"] = Obj({{"account_id", Str()},
                            {"open_cases", Int()},
                            {"breached_cases", Int()},
                            {"won_revenue", money},
                            {"open_pipeline", money},
                            {"next_close_date", NStr()},
                            {"last_contact_at", NDateTime()},
                            {"next_renewal", {{"oneOf", json::array({Obj({{"date", Str()},
                                                                          {"amount", NNum()},
                                                                          {"currency", NStr()},
                                                                          {"opportunity_id", Str()},
                                                                          {"renewal_opportunity_id", NStr()}}),
                                                                     {{"type", "null"}}})}}}},
                           json::array({"account_id", "open_cases", "breached_cases", "won_revenue", "open_pipeline"}));
  S["OverdueTasksReport"] = Obj({{"as_of", DateTime()},
                                 {"total", Int()},
                                 {"by_owner", Arr(Obj({{"user_id", NStr()}, {"name", NStr()}, {"overdue", Int()},
                                                       {"oldest_due_at", DateTime()}}))}},
                                json::array({"as_of", "total", "by_owner"}));

  // --- team selling
  S["TeamRoles"] = Obj({{"data", {{"type", "array"}, {"items", Str()}, {"description", "Every role, defaults first"}}},
                        {"defaults", Arr(Str())}},
                       json::array({"data", "defaults"}));
  S["TeamRolesUpdate"] = Obj({{"roles", {{"type", "array"},
                                         {"maxItems", 50},
                                         {"description", "The extra roles (snake_case, up to 40 characters); "
                                                         "the default roles always stay"},
                                         {"items", {{"type", "string"}, {"pattern", "^[a-z][a-z0-9_]*$"}, {"maxLength", 40}}}}}},
                             json::array({"roles"}), true);
  S["TeamMember"] = Obj({{"id", Str()}, {"user_id", Str()}, {"user_name", NStr()}, {"user_email", NStr()},
                         {"role", Str()}, {"access", Enum({"read", "edit"})}, {"created_at", DateTime()},
                         {"created_by", NStr()}});
  S["RecordTeam"] = Obj({{"data", Arr(Ref("TeamMember"))},
                         {"can_manage", {{"type", "boolean"}, {"description", "Whether the caller may change the team"}}},
                         {"owner_id", NStr()}},
                        json::array({"data", "can_manage"}));
  S["TeamMemberAdd"] = Obj({{"user_id", Str()},
                            {"role", {{"type", "string"}, {"description", "One of GET /api/v1/team_roles"}}},
                            {"access", {{"type", "string"}, {"enum", {"read", "edit"}}, {"default", "read"}}}},
                           json::array({"user_id", "role"}), true);
  S["TeamMemberChange"] = Obj({{"role", Str()}, {"access", Enum({"read", "edit"})}}, json::array(), true);
  S["TeamMemberChange"]["minProperties"] = 1;
  S["FollowState"] = Obj({{"following", Bool()},
                          {"reason", {{"type", json::array({"string", "null"})},
                                      {"description", "Why you follow: owner, team or manual"}}},
                          {"followers", Int()}},
                         json::array({"following", "reason", "followers"}));
  S["FeedItem"] = Obj({{"id", Str()},
                       {"at", DateTime()},
                       {"user_id", NStr()},
                       {"user_name", NStr()},
                       {"action", {{"type", "string"}, {"description", "create, update, delete, restore, team_add, ..."}}},
                       {"object", Str()},
                       {"record_id", Str()},
                       {"about", Obj({{"object", Str()}, {"id", Str()}, {"title", Str()}})},
                       {"changes", Arr(Obj({{"field", Str()}, {"from", json::object()}, {"to", json::object()}}))},
                       {"activity", Obj({{"id", Str()}, {"type", Str()}, {"subject", Str()}})},
                       {"team_member", Obj({{"user_id", Str()}, {"user_name", Str()}})}},
                      json::array({"id", "at", "action", "object", "record_id", "about", "changes"}));
  S["Feed"] = Obj({{"data", Arr(Ref("FeedItem"))},
                   {"next_cursor", {{"type", json::array({"string", "null"})}, {"description", "Pass as cursor= for older items"}}}},
                  json::array({"data", "next_cursor"}));
}

// Cadences show `steps` as an array, enrollments add `next_step`; both are
// refinements of the generated Cadences / CadenceEnrollments schemas.
void CadenceSchemas(json* schemas_ptr) {
  json& S = *schemas_ptr;
  S["CadenceStep"] = Obj({{"type", Enum({"call", "email", "meeting", "task"})},
                          {"day", {{"type", "integer"}, {"minimum", 0}, {"maximum", 3650},
                                   {"description", "Days after enrolling; never before the previous step's day"}}},
                          {"subject", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255},
                                       {"description", "One line; {{placeholders}} from the record"}}},
                          {"notes", {{"type", "string"}, {"maxLength", 5000}}}},
                         json::array({"type", "day", "subject"}), true);
  json steps = {{"type", "array"}, {"items", Ref("CadenceStep")}, {"minItems", 1}, {"maxItems", 50}};
  S["Cadence"] = Refine(S, "Cadences", {{"steps", steps}});
  json input = Refine(S, "CadencesInput", {{"steps", steps}});
  S["CadenceInput"] = input;
  S["CadenceCreate"] = {{"allOf", json::array({Ref("CadenceInput")})}, {"required", json::array({"name", "steps"})}};
  S["CadencePage"] = Obj({{"data", Arr(Ref("Cadence"))}, {"next_cursor", NStr()}});
  json next_step = {{"oneOf", json::array({Obj({{"number", Int()}, {"of", Int()}, {"type", Str()}, {"day", Int()},
                                                {"subject", Str()}, {"due_at", NDateTime()}, {"activity_id", NStr()}}),
                                           {{"type", "null"}}})},
                    {"description", "The active enrollment's current step"}};
  json esteps = {{"type", "array"}, {"items", Ref("CadenceStep")}, {"readOnly", true},
                 {"description", "The steps as they were when enrolled"}};
  S["CadenceEnrollment"] = Refine(S, "CadenceEnrollments", {{"steps", esteps}, {"next_step", next_step}});
  S["CadenceEnrollmentPage"] = Obj({{"data", Arr(Ref("CadenceEnrollment"))}, {"next_cursor", NStr()}});
  S["EnrollRequest"] = Obj({{"related_object", Enum({"leads", "contacts", "opportunities"})}, {"related_id", Str()}},
                           json::array({"related_object", "related_id"}), true);
  S["Enrolled"] = {{"allOf", json::array({Ref("CadenceEnrollment"),
                                          Obj({{"activity", {{"allOf", json::array({Ref("Activities")})},
                                                             {"description", "The first step's task"}}}})})}};
  S["EnrollmentStop"] = Obj({{"reason", {{"type", json::array({"string", "null"})}, {"maxLength", 500}}}}, json::array(), true);
}

json ListParams() {
  return json::array({QueryParam("filter", Arr(Str()), "field:op:value (repeatable) or a JSON object"),
                      QueryParam("sort", Str()),
                      QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}),
                      QueryParam("cursor", Str()),
                      QueryParam("deleted", Enum({"exclude", "include", "only"}))});
}

// GET /api/v1/{object}/aggregate and /export.csv for one object.
void ListExtras(json& P, const std::string& name) {
  std::string base = "/api/v1/" + name;
  json agg = Op("aggregate_" + name, name, "Counts (and sums) of the visible " + name + " grouped by a field",
                Ref("AggregateRows"));
  agg["parameters"] = json::array(
      {QueryParam("group_by", Str(), "The field to group by", true),
       QueryParam("sum", Str(), "A number or money field to add up"),
       QueryParam("weight", Str(), "A number field (percent) weighting the sum; opportunities default to probability"),
       QueryParam("filter", Arr(Str()), "As for the list")});
  agg["responses"].erase("403");
  P[base + "/aggregate"] = {{"get", agg}};
  json csv = Errors();
  csv.erase("403");
  csv["200"] = {{"description", "Every matching row as CSV (UTF-8 with BOM; formula-safe), streamed"},
                {"content", {{"text/csv", {{"schema", Str()}}}}}};
  json params = json::array({QueryParam("columns", Str(), "Comma-separated field names (default: every non-system field and id)"),
                             QueryParam("filter", Arr(Str())), QueryParam("sort", Str()),
                             QueryParam("deleted", Enum({"exclude", "include", "only"}))});
  P[base + "/export.csv"] = {{"get",
                              {{"operationId", "export_csv_" + name},
                               {"tags", {name}},
                               {"summary", "Export the " + name + " a list would show (no limit or cursor: every row)"},
                               {"parameters", params},
                               {"responses", csv}}}};
}

// Follow and feed routes of an owned object.
void FollowFeed(json& P, const std::string& name) {
  std::string base = "/api/v1/" + name + "/{id}";
  P[base + "/follow"] = {
      {"parameters", IdParams()},
      {"get", Op("follow_state_" + name, "follows", "Whether you follow the record, and its follower count", Ref("FollowState"))},
      {"post", Op("follow_" + name, "follows", "Follow the record: its changes reach your feed and notifications",
                  Ref("FollowState"))},
      {"delete", Op("unfollow_" + name, "follows", "Stop following the record", Ref("FollowState"))}};
  json feed = Op("feed_" + name, "feeds", "The record's changes and its activities' changes, newest first", Ref("Feed"));
  feed["parameters"] = json::array({QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}),
                                    QueryParam("cursor", Str())});
  P[base + "/feed"] = {{"parameters", IdParams()}, {"get", feed}};
}

// Team routes of accounts and opportunities.
void RecordTeam(json& P, const std::string& name) {
  std::string base = "/api/v1/" + name + "/{id}/team";
  P[base] = {{"parameters", IdParams()},
             {"get", Op("team_of_" + name, "teams", "The record's team and whether you may change it", Ref("RecordTeam"))},
             {"post", Op("add_team_member_" + name, "teams",
                         "Add a user to the team (the owner, a manager of the owner's team or an administrator)",
                         Ref("TeamMember"), 201, Ref("TeamMemberAdd"), {409, 422})}};
  P[base + "/{member_id}"] = {
      {"parameters", json::array({{{"$ref", "#/components/parameters/Id"}}, PathParam("member_id")})},
      {"patch", Op("change_team_member_" + name, "teams", "Change a member's role or access", Ref("TeamMember"), 200,
                   Ref("TeamMemberChange"))},
      {"delete", NoContentOp("remove_team_member_" + name, "teams", "Remove a member (and the follow that came with it)")}};
}

void Cadences(json& P) {
  // /api/v1/cadences: the handler shows and takes steps as an array.
  json list = Op("list_cadences", "cadences", "Cadences", Ref("CadencePage"));
  list["parameters"] = ListParams();
  list["responses"].erase("403");
  P["/api/v1/cadences"]["get"] = list;
  P["/api/v1/cadences"]["post"] = Op("create_cadences", "cadences", "Create a cadence (administrators)", Ref("Cadence"), 201,
                                     Ref("CadenceCreate"), {409, 422});
  P["/api/v1/cadences/{id}"]["get"] = Op("get_cadences", "cadences", "One cadence", Ref("Cadence"));
  json patch = Op("update_cadences", "cadences", "Change a cadence (administrators); steps, when given, replace the list",
                  Ref("Cadence"), 200, Ref("CadenceInput"), {409, 412, 422});
  patch["parameters"] = json::array({IfMatch()});
  P["/api/v1/cadences/{id}"]["patch"] = patch;
  json del = Op("delete_cadences", "cadences", "Delete a cadence (soft); its active enrollments are stopped", Ref("Cadence"),
                200, nullptr, {412});
  del["parameters"] = json::array({IfMatch()});
  P["/api/v1/cadences/{id}"]["delete"] = del;
  P["/api/v1/cadences/{id}/restore"]["post"] =
      Op("restore_cadences", "cadences", "Restore a deleted cadence", Ref("Cadence"), 200, nullptr, {409});

  json elist = Op("list_cadence_enrollments_of_cadence", "cadences", "The cadence's enrollments you may see",
                  Ref("CadenceEnrollmentPage"));
  elist["parameters"] = ListParams();
  P["/api/v1/cadences/{id}/enrollments"] = {
      {"parameters", IdParams()},
      {"get", elist},
      {"post", Op("enroll_in_cadence", "cadences",
                  "Apply the cadence to a lead, contact or deal: creates the enrollment and the first step's task",
                  Ref("Enrolled"), 201, Ref("EnrollRequest"), {409, 422})}};
  json eparams = json::array({{{"$ref", "#/components/parameters/Id"}}, PathParam("enrollment_id")});
  P["/api/v1/cadences/{id}/enrollments/{enrollment_id}/skip"] = {
      {"parameters", eparams},
      {"post", Op("skip_cadence_step", "cadences", "Skip the current step: its open task goes, the next step's task is made",
                  Ref("CadenceEnrollment"), 200, nullptr, {422})}};
  json stop = Op("stop_cadence_enrollment", "cadences", "Stop the enrollment (its open task goes)", Ref("CadenceEnrollment"),
                 200, Ref("EnrollmentStop"), {422});
  stop["requestBody"]["required"] = false;
  P["/api/v1/cadences/{id}/enrollments/{enrollment_id}/stop"] = {{"parameters", eparams}, {"post", stop}};

  // cadence_enrollments: read-only here (they change through the routes above).
  json& all = P["/api/v1/cadence_enrollments"];
  all.erase("post");
  all["get"] = Op("list_cadence_enrollments", "cadence_enrollments",
                  "Enrollments you may see, e.g. ?filter=related_id:eq:ID&filter=status:eq:active",
                  Ref("CadenceEnrollmentPage"));
  all["get"]["parameters"] = ListParams();
  all["get"]["responses"].erase("403");
  json& one = P["/api/v1/cadence_enrollments/{id}"];
  one.erase("patch");
  one.erase("delete");
  one["get"] = Op("get_cadence_enrollments", "cadence_enrollments", "One enrollment", Ref("CadenceEnrollment"));
  P.erase("/api/v1/cadence_enrollments/{id}/restore");
}

void Dav(json& P, json& comps) {
  comps["securitySchemes"]["basic"] = {
      {"type", "http"}, {"scheme", "basic"},
      {"description", "CalDAV/CardDAV and DAV only: the user's email and an API token (rapport token create) as the "
                      "password; account passwords are not accepted"}};
  const json dav_security = json::array({{{"basic", json::array()}}, {{"bearer", json::array()}}});
  auto options = [](const std::string& id) {
    return json{{"operationId", id},
                {"tags", {"dav"}},
                {"security", json::array()},
                {"summary", "DAV capabilities (DAV: 1, 3, calendar-access, addressbook; Allow header)"},
                {"responses", {{"200", {{"description", "Capabilities in the DAV and Allow headers"}}}}}};
  };
  json dav_errors = {{"401", {{"description", "Sign in with Basic (email + API token) or Bearer"}}},
                     {"403", RespRef("E403")},
                     {"404", RespRef("E404")}};
  auto collection = [&](const std::string& id, const std::string& what) {
    return json{{"description", what +
                                    " Read with PROPFIND (Depth 0/1) and REPORT (calendar-query, "
                                    "addressbook-query, *-multiget, sync-collection); these WebDAV methods "
                                    "take and answer XML (207 Multi-Status) and cannot be described in OpenAPI."},
                {"options", options(id)}};
  };
  P["/dav/"] = collection("dav_options_root", "The DAV root: current-user-principal.");
  P["/dav/principals/{user_id}/"] = collection("dav_options_principal", "The user's principal: calendar-home-set, addressbook-home-set.");
  P["/dav/principals/{user_id}/"]["parameters"] = json::array({PathParam("user_id", "Your user id")});
  P["/dav/home/{user_id}/"] = collection("dav_options_home", "The user's home.");
  P["/dav/home/{user_id}/"]["parameters"] = json::array({PathParam("user_id", "Your user id")});
  for (const auto& [coll, mime, what] :
       {std::tuple<std::string, std::string, std::string>{"calendar", "text/calendar",
                                                          "Activities you own: meetings, calls and visits with a time (VEVENT), tasks (VTODO)."},
        {"contacts", "text/vcard", "Contacts you own (vCard 3.0)."}}) {
    std::string base = "/dav/home/{user_id}/" + coll + "/";
    P[base] = collection("dav_options_" + coll, what);
    P[base]["parameters"] = json::array({PathParam("user_id", "Your user id")});
    json item_params = json::array({PathParam("user_id", "Your user id"),
                                    PathParam("name", "<record id>." + std::string(coll == "calendar" ? "ics" : "vcf") +
                                                          ", or the name a client chose")});
    json get_resp = dav_errors;
    get_resp["200"] = {{"description", "The item; ETag is the record version"}, {"content", {{mime, {{"schema", Str()}}}}}};
    json put_resp = dav_errors;
    put_resp["201"] = {{"description", "Created (ETag header)"}};
    put_resp["204"] = {{"description", "Updated (ETag header)"}};
    put_resp["400"] = {{"description", "Not a valid iCalendar/vCard item"}};
    put_resp["412"] = {{"description", "If-Match / If-None-Match: * did not hold (a newer version exists)"}};
    put_resp["413"] = RespRef("E413");
    json del_resp = dav_errors;
    del_resp["204"] = {{"description", "Deleted (soft, as in the REST API)"}};
    del_resp["412"] = {{"description", "If-Match did not hold"}};
    json cond = json::array({{{"name", "If-Match"}, {"in", "header"}, {"required", false}, {"schema", Str()}},
                             {{"name", "If-None-Match"}, {"in", "header"}, {"required", false}, {"schema", Str()}}});
    P[base + "{name}"] = {
        {"parameters", item_params},
        {"options", options("dav_options_" + coll + "_item")},
        {"get", {{"operationId", "dav_get_" + coll + "_item"}, {"tags", {"dav"}}, {"security", dav_security},
                 {"summary", "One item"}, {"responses", get_resp}}},
        {"head", {{"operationId", "dav_head_" + coll + "_item"}, {"tags", {"dav"}}, {"security", dav_security},
                  {"summary", "One item's headers"}, {"responses", {{"200", {{"description", "ETag"}}}, {"404", RespRef("E404")}}}}},
        {"put", {{"operationId", "dav_put_" + coll + "_item"}, {"tags", {"dav"}}, {"security", dav_security},
                 {"summary", "Create or update the record behind the item (validated and audited like the REST API)"},
                 {"parameters", cond},
                 {"requestBody", {{"required", true}, {"content", {{mime, {{"schema", Str()}}}}}}},
                 {"responses", put_resp}}},
        {"delete", {{"operationId", "dav_delete_" + coll + "_item"}, {"tags", {"dav"}}, {"security", dav_security},
                    {"summary", "Delete the record behind the item"},
                    {"parameters", json::array({cond[0]})},
                    {"responses", del_resp}}}};
  }
  for (const std::string which : {"caldav", "carddav"}) {
    P["/.well-known/" + which] = {
        {"get", {{"operationId", "well_known_" + which}, {"tags", {"dav"}}, {"security", json::array()},
                 {"summary", "Service discovery (RFC 6764)"},
                 {"responses", {{"301", {{"description", "Location: /dav/"}}}}}}}};
  }
  P["/ical/{secret}.ics"] = {
      {"parameters", json::array({PathParam("secret", "From POST /api/v1/me/ical")})},
      {"get", {{"operationId", "ical_feed"}, {"tags", {"dav"}}, {"security", json::array()},
               {"summary", "Your activities as a read-only iCalendar feed (the secret in the URL is the credential)"},
               {"responses", {{"200", {{"description", "The calendar"}, {"content", {{"text/calendar", {{"schema", Str()}}}}}}},
                              {"404", {{"description", "Unknown or revoked feed"}}}}}}}};
}

}  // namespace

void AddSalesOpenApi(const Catalog& cat, json* paths_ptr, json* comps_ptr) {
  json& P = *paths_ptr;
  json& C = *comps_ptr;
  json& S = C["schemas"];
  Schemas(&S);
  CadenceSchemas(&S);
  C["responses"]["E503"] = {{"description", "Error 503: the database is unavailable"},
                            {"content", JsonContent(Ref("Error"))}};

  // --- outside /api
  P["/healthz"] = {{"get", {{"operationId", "healthz"}, {"tags", {"meta"}}, {"security", json::array()},
                            {"summary", "Liveness and database check"},
                            {"responses", {{"200", {{"description", "Up"},
                                                    {"content", JsonContent(Obj({{"status", Enum({"ok"})}}, json::array({"status"})))}}},
                                           {"503", RespRef("E503")}}}}}};
  P["/metrics"] = {{"get", {{"operationId", "metrics"}, {"tags", {"meta"}}, {"security", json::array()},
                            {"summary", "Prometheus metrics (requests by status, latency, login failures, ...)"},
                            {"responses", {{"200", {{"description", "Prometheus text format 0.0.4"},
                                                    {"content", {{"text/plain", {{"schema", Str()}}}}}}}}}}}};
  Dav(P, C);

  // --- auth, metadata, calendar feed, search
  P["/api/v1/auth/password"] = {
      {"post", NoContentOp("change_password", "auth",
                           "Choose a new password (the only route a one-time password's session may use)")}};
  P["/api/v1/auth/password"]["post"]["requestBody"] = {{"required", true}, {"content", JsonContent(Ref("PasswordChange"))}};
  P["/api/v1/auth/password"]["post"]["responses"].erase("404");
  P["/api/v1/metadata"] = {{"get", Op("list_objects", "metadata", "Every object with its fields (custom ones included)",
                                      Ref("ObjectsMetadata"))}};
  P["/api/v1/metadata"]["get"]["responses"].erase("404");
  P["/api/v1/me/ical"] = {
      {"post", Op("new_ical_feed", "dav", "A new secret calendar-feed URL (the old one stops working); shown once",
                  Ref("ICalFeedUrl"), 201)},
      {"delete", NoContentOp("revoke_ical_feed", "dav", "Revoke your calendar feed (404 if you have none)")}};
  json search = Op("search", "search", "Global search over accounts, contacts, leads, deals, ... you may see (prefix match)",
                   Ref("SearchHits"));
  search["parameters"] = json::array({QueryParam("q", {{"type", "string"}, {"maxLength", 200}}, "The words to find"),
                                      QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50}, {"default", 20}})});
  search["responses"].erase("404");
  search["responses"].erase("403");
  P["/api/v1/search"] = {{"get", search}};

  // --- every list: aggregate and CSV export.
  for (const auto& [name, def] : cat.objects()) ListExtras(P, name);
  // Follows and feeds: records with owners. Teams: accounts and deals.
  for (const auto& [name, def] : cat.objects()) {
    if (def.access == Access::kOwned) FollowFeed(P, name);
  }
  for (const char* name : {"accounts", "opportunities"}) {
    if (cat.Find(name)) RecordTeam(P, name);
  }
  P["/api/v1/team_roles"] = {
      {"get", Op("list_team_roles", "teams", "The roles team members may have", Ref("TeamRoles"))},
      {"put", Op("set_team_roles", "teams", "Set the extra roles (administrators); a role members hold cannot go",
                 Ref("TeamRoles"), 200, Ref("TeamRolesUpdate"), {409})}};
  json my_feed = Op("my_feed", "feeds", "Changes of everything you follow, newest first", Ref("Feed"));
  my_feed["parameters"] = json::array({QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}),
                                       QueryParam("cursor", Str())});
  my_feed["responses"].erase("404");
  P["/api/v1/me/feed"] = {{"get", my_feed}};

  // --- deals: stage moves (PATCH stage_id) and their history
  if (cat.Find("opportunities")) {
    json stage_error = {{"description",
                         "The stage move is refused: exit criteria of the current stage unmet, or a won/lost stage "
                         "without close_reason (details list what is missing)"},
                        {"content", JsonContent(Ref("StageMoveError"))}};
    json& patch = P["/api/v1/opportunities/{id}"]["patch"];
    patch["summary"] = "Change a deal. Moving it (stage_id) checks the current stage's exit criteria; a won or lost stage "
                       "needs close_reason; reopening clears closed_at and close_reason.";
    patch["responses"]["422"] = stage_error;
    json& create = P["/api/v1/opportunities"]["post"];
    create["summary"] = "Create a deal (default pipeline and first stage unless given; a won/lost stage needs close_reason)";
    create["responses"]["422"] = stage_error;
    P["/api/v1/opportunities/{id}/stage_history"] = {
        {"parameters", IdParams()},
        {"get", Op("stage_history", "opportunities", "The deal's stage moves, oldest first, with time in each stage",
                   Ref("StageHistory"))}};
  }
  if (cat.Find("accounts")) {
    P["/api/v1/accounts/{id}/health"] = {
        {"parameters", IdParams()},
        {"get", Op("account_health", "accounts",
                   "Open and breached cases, won revenue and open pipeline per currency, next close, last contact, "
                   "next renewal (counting what you may see)",
                   Ref("AccountHealth"))}};
  }
  if (cat.Find("quotes")) {
    P["/api/v1/quotes/{id}/revise"] = {
        {"parameters", IdParams()},
        {"post", Op("revise_quote", "quotes", "A new draft version of the quote with its lines (the old one is superseded)",
                    Ref("Quotes"), 201, nullptr, {409})}};
    for (const auto& [fmt, mime] : {std::pair<std::string, std::string>{"html", "text/html"}, {"pdf", "application/pdf"}}) {
      json resp = Errors();
      resp.erase("400");
      resp["200"] = {{"description", "The printable quote (" + fmt + ")"},
                     {"content", {{mime, {{"schema", fmt == "pdf" ? json{{"type", "string"}, {"format", "binary"}} : Str()}}}}}};
      P["/api/v1/quotes/{id}/document." + fmt] = {
          {"parameters", IdParams()},
          {"get", {{"operationId", "quote_document_" + fmt},
                   {"tags", {"quotes"}},
                   {"summary", "The quote with its lines and parties as a printable " +
                                   std::string(fmt == "pdf" ? "A4 PDF" : "HTML page")},
                   {"responses", resp}}}};
    }
  }
  if (cat.Find("users")) {
    P["/api/v1/users"]["post"]["summary"] =
        "Create a user (administrators); without password the answer carries a one_time_password to hand over";
  }

  // --- commitments
  P["/api/v1/reports/overdue_tasks"] = {
      {"get", Op("overdue_tasks_report", "activities", "Open tasks past due per owner, within what you may see",
                 Ref("OverdueTasksReport"))}};

  // --- cadences
  if (cat.Find("cadences") && cat.Find("cadence_enrollments")) Cadences(P);
}

}  // namespace rapport
