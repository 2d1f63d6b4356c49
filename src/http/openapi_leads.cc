#include "http/openapi_leads.h"

#include <string>

#include "http/openapi_build.h"

namespace rapport {

using nlohmann::json;

namespace {

using namespace openapi;  // NOLINT: the builders of openapi_build.h

void Schemas(json* s) {
  json& S = *s;
  // --- web forms
  S["WebFormField"] = Obj({{"field", {{"type", "string"}, {"description", "A lead field name"}}},
                           {"label", {{"type", "string"}, {"maxLength", 200}}},
                           {"required", Bool()}},
                          json::array({"field"}), true);
  json form_props = {{"name", {{"type", "string"}, {"maxLength", 200}}},
                     {"fields", {{"type", "array"},
                                 {"items", {{"oneOf", json::array({Ref("WebFormField"), Str()})}}},
                                 {"description", "Lead fields the form asks for, in order"}}},
                     {"thank_you_text", NStr()},
                     {"redirect_url", {{"type", json::array({"string", "null"})}, {"format", "uri"}}},
                     {"double_opt_in", {{"type", json::array({"boolean", "null"})},
                                        {"description", "New leads wait in status unconfirmed until the e-mailed link is confirmed (the form must require email)"}}},
                     {"campaign_id", NStr()},
                     {"lead_owner_id", NStr()},
                     {"submit_label", NStr()},
                     {"rate_limit_per_minute", {{"type", json::array({"integer", "null"})}, {"minimum", 1}, {"maximum", 10000}}},
                     {"public_url", {{"type", json::array({"string", "null"})}, {"format", "uri"}}},
                     {"active", {{"type", json::array({"boolean", "null"})}}},
                     {"description", NStr()}};
  S["WebFormInput"] = Obj(form_props, json::array(), true);
  S["WebFormCreate"] = {{"allOf", json::array({Ref("WebFormInput")})}, {"required", json::array({"name", "fields"})}};
  json out_props = form_props;
  out_props["id"] = Str();
  out_props["version"] = Int();
  out_props["key"] = {{"type", "string"}, {"description", "The public key of /f/{key}"}};
  out_props["fields"] = Arr(Ref("WebFormField"));
  out_props["url"] = {{"type", "string"}, {"format", "uri"}, {"description", "The public form page"}};
  out_props["embed"] = Obj({{"iframe", Str()}, {"html", Str()}, {"honeypot_field", Str()}, {"note", Str()}});
  S["WebForm"] = {{"type", "object"}, {"properties", out_props}};
  S["WebFormPage"] = Obj({{"data", Arr(Ref("WebForm"))}, {"next_cursor", NStr()}});
  S["FormSubmission"] = {{"type", "object"},
                         {"description", "Lead field values by name (strict: unknown keys are errors); the honeypot website_url must stay empty"},
                         {"additionalProperties", {{"type", json::array({"string", "number", "boolean", "null"})}}}};
  S["FormReceived"] = Obj({{"status", {{"type", "string"}, {"enum", {"received"}}}}, {"message", Str()},
                           {"confirmation_required", Bool()}, {"redirect_url", NStr()}});
  S["FormErrors"] = Obj({{"error", AnyObject()}, {"errors", Arr(Obj({{"field", Str()}, {"message", Str()}}))}});
  S["Confirmation"] = Obj({{"status", {{"type", "string"}, {"enum", {"pending", "confirmed", "already_confirmed"}}}}});
  S["OutgoingEmail"] = Obj({{"id", Str()}, {"kind", Str()}, {"to", Str()}, {"subject", Str()}, {"body_text", NStr()},
                            {"status", Str()}, {"related_object", NStr()}, {"related_id", NStr()}});

  // --- status flow and convert
  S["LeadStatusFlow"] = Obj({{"statuses", Arr(Str())},
                             {"transitions", {{"type", "object"}, {"additionalProperties", Arr(Str())}}},
                             {"disqualified_reasons", Arr(Str())}});
  S["ConvertMatches"] = Obj(
      {{"lead_id", Str()},
       {"status", Str()},
       {"convertible", Bool()},
       {"not_convertible_reason", NStr()},
       {"email_domain", NStr()},
       {"free_mail", Bool()},
       {"contacts", Arr(Obj({{"id", Str()}, {"name", Str()}, {"first_name", NStr()}, {"last_name", Str()},
                             {"email", Str()}, {"account_id", NStr()},
                             {"reason", {{"type", "string"}, {"enum", {"same_email"}}}}}))},
       {"accounts", Arr(Obj({{"id", Str()}, {"name", Str()}, {"domain", NStr()}, {"city", NStr()},
                             {"reason", {{"type", "string"}, {"description", "same_domain or similar_name"}}},
                             {"score", Num()}}))},
       {"suggested", Obj({{"account_id", NStr()}, {"contact_id", NStr()}})},
       {"defaults", Obj({{"account", AnyObject()}, {"contact", AnyObject()}, {"opportunity", AnyObject()}})}});
  S["ConvertRequest"] = Obj(
      {{"account_id", {{"type", "string"}, {"description", "Link this existing account"}}},
       {"account", {{"type", json::array({"object", "null"})}, {"description", "Fields overriding the account created from the lead"}}},
       {"create_account", {{"type", "boolean"}, {"description", "false: no account"}}},
       {"contact_id", {{"type", "string"}, {"description", "Link this existing contact"}}},
       {"contact", {{"type", json::array({"object", "null"})}, {"description", "Fields overriding the contact created from the lead"}}},
       {"create_opportunity", {{"type", json::array({"object", "null"})},
                               {"description", "An opportunity to create: name, amount, currency, close_date, pipeline_id, stage_id, ..."}}},
       {"owner_id", Str()}},
      json::array(), true);
  S["ConvertResult"] = Obj({{"lead", Ref("Leads")},
                            {"account", {{"oneOf", json::array({Ref("Accounts"), {{"type", "null"}}})}}},
                            {"contact", Ref("Contacts")},
                            {"opportunity", {{"oneOf", json::array({Ref("Opportunities"), {{"type", "null"}}})}}},
                            {"created", Obj({{"account", Bool()}, {"contact", Bool()}, {"opportunity", Bool()}})},
                            {"activities_moved", Int()}});

  // --- campaigns
  S["MembersRequest"] = Obj({{"lead_ids", Arr(Str())}, {"contact_ids", Arr(Str())},
                             {"status", {{"type", "string"}, {"enum", {"sent", "responded", "converted"}}}}},
                            json::array(), true);
  S["MembersRemoveRequest"] = Obj({{"lead_ids", Arr(Str())}, {"contact_ids", Arr(Str())}}, json::array(), true);
  S["MembersAdded"] = Obj({{"added", Int()}, {"restored", Int()}, {"already_members", Int()}, {"member_ids", Arr(Str())}});
  S["MembersRemoved"] = Obj({{"removed", Int()}, {"not_members", Int()}});
  S["MemberPage"] = Obj({{"data", Arr({{"allOf", json::array({Ref("CampaignMembers"), Obj({{"person", {{"type", json::array({"object", "null"})}}}})})}})},
                         {"next_cursor", NStr()},
                         {"counts", {{"type", "object"}, {"additionalProperties", Int()}}}});
  S["NextCall"] = Obj({{"member", {{"oneOf", json::array({Ref("CampaignMembers"), {{"type", "null"}}})}}},
                       {"person", {{"type", json::array({"object", "null"})}}},
                       {"recent_calls", {{"type", "array"},
                                         {"description", "The person's last 3 logged calls the caller may see, newest first"},
                                         {"items", Obj({{"id", Str()}, {"subject", Str()}, {"description", NStr()},
                                                        {"done_at", {{"type", "string"}, {"format", "date-time"}}},
                                                        {"owner_id", NStr()}})}}},
                       {"locked_until", NStr()},
                       {"remaining", {{"type", "integer"}, {"description", "Members callable now"}}},
                       {"retry_later", {{"type", "integer"}, {"description", "Members waiting for their retry (no answer, voicemail)"}}},
                       {"next_retry_at", {{"type", json::array({"string", "null"})}, {"format", "date-time"}}}});
  S["CallOutcomeRequest"] = Obj(
      {{"outcome", {{"type", "string"}, {"enum", {"reached", "no_answer", "voicemail", "wrong_number", "not_interested", "callback"}}}},
       {"notes", Str()},
       {"callback_at", {{"type", "string"}, {"format", "date-time"}, {"description", "Required for callback"}}}},
      json::array({"outcome"}), true);
  S["CallLogged"] = Obj({{"member", Ref("CampaignMembers")}, {"activity", Ref("Activities")},
                         {"task", {{"oneOf", json::array({Ref("Activities"), {{"type", "null"}}})}}}});

  // --- scoring, enrichment, assignment, models
  S["RescoreRequest"] = Obj({{"filter", {{"description", "A list filter (JSON object or field:op:value text)"}}}}, json::array(), true);
  S["RescoreResult"] = Obj({{"scanned", Int()}, {"changed", Int()}, {"qualified", Int()}});
  S["EnrichResult"] = Obj({{"data", Ref("Leads")}, {"filled", {{"type", "object"}, {"additionalProperties", Str()},
                                                                {"description", "field -> provider"}}}});
  S["AssignResult"] = Obj({{"data", Ref("Leads")}, {"rule_id", Str()}, {"rule_name", Str()}, {"user_id", Str()}, {"note", Str()}});
  S["AssignmentLog"] = Obj({{"data", Arr(Obj({{"id", Str()}, {"rule_id", NStr()}, {"user_id", NStr()},
                                               {"previous_user_id", NStr()},
                                               {"reason", {{"type", "string"}, {"description", "capture, manual, escalation, escalation_notify"}}},
                                               {"detail", NStr()}, {"at", Str()}, {"by_user_id", NStr()}}))}});
  S["CompanyReference"] = Obj({{"version", {{"type", json::array({"integer", "null"})}}},
                               {"rows", Int()},
                               {"match", {{"type", json::array({"object", "null"})}}}});
  S["CompanyLoadResult"] = Obj({{"rows_read", Int()}, {"loaded", Int()}, {"skipped", Int()}, {"version", Int()},
                                {"errors", Arr(AnyObject())}, {"notes", Arr(Str())}, {"provider", Str()}});
  S["TrainRequest"] = Obj({{"object", {{"type", "string"}, {"enum", {"leads", "opportunities"}}}},
                           {"seed", {{"type", "integer"}, {"minimum", 0}}}, {"resamples", Int()}},
                          json::array(), true);
  S["TrainReport"] = Obj({{"model_id", Str()}, {"object", Str()}, {"n_train", Int()}, {"n_test", Int()},
                          {"auc", NNum()}, {"auc_ci95", Arr(NNum())}, {"rule_auc", NNum()}, {"rule_auc_ci95", Arr(NNum())},
                          {"has_signal", Bool()}, {"active", Bool()}, {"scored_open", Int()},
                          {"top_weights", Arr(Obj({{"feature", Str()}, {"weight", Num()}}))}, {"verdict", Str()}});
  json rep_stats = {{"assigned", Int()}, {"responded", Int()}, {"pending", Int()}, {"within_target", Int()},
                    {"breached", Int()}, {"escalated", Int()}, {"median_minutes", NNum()}, {"average_minutes", NNum()}};
  json by_rep = rep_stats;
  by_rep["user_id"] = Str();
  by_rep["name"] = NStr();
  S["FirstResponseReport"] = Obj({{"from", Str()}, {"to", Str()}, {"target_minutes", Int()}, {"business_hours", Str()},
                                  {"by_rep", Arr(Obj(by_rep))}, {"overall", Obj(rep_stats)}});
  S["Notifications"] = Obj({{"data", Arr(Obj({{"id", Str()}, {"kind", Str()}, {"object", NStr()}, {"record_id", NStr()},
                                               {"message", Str()}, {"created_at", Str()}, {"read_at", NStr()}}))},
                            {"unread_count", Int()}});

  // --- imports
  S["ImportSummary"] = Obj({{"id", NStr()}, {"object", Str()}, {"file_name", Str()}, {"format", Str()}, {"status", Str()},
                            {"rows_read", Int()}, {"created", Int()}, {"updated", Int()}, {"unchanged", Int()},
                            {"failed", Int()},
                            {"mapping", Arr(Obj({{"column", Str()}, {"field", Str()}}))},
                            {"unmapped_columns", Arr(Obj({{"column", Str()}, {"reason", Str()}}))},
                            {"errors", Arr(Obj({{"line", Int()}, {"message", Str()}, {"field", NStr()}}))},
                            {"progress", Obj({{"bytes_done", Int()}, {"bytes_total", Int()}, {"percent", Int()}})},
                            {"error", NStr()}});
  S["ImportUndo"] = Obj({{"deleted", Int()}, {"reverted", Int()}, {"conflicts", Int()}, {"already_undone", Bool()}});
  // The import wizard (docs/decisions/021): an upload's preview, saved mappings.
  S["ImportUpload"] = Obj({{"upload_id", Str()}, {"object", Str()}, {"file_name", Str()}, {"size", Int()}, {"format", Str()},
                           {"notes", Arr(Str())},
                           {"columns", Arr(Obj({{"header", Str()}, {"samples", Arr(Str())}}))},
                           {"suggested_mapping", {{"type", "object"}, {"additionalProperties", Str()},
                                                  {"description", "column -> field (\"\" = not imported)"}}},
                           {"mapping_source", {{"type", "string"}, {"enum", {"saved", "auto"}}}},
                           {"fields", Arr(Obj({{"name", Str()}, {"label", Str()}, {"type", Str()}, {"required", Bool()}}))},
                           {"rows_sampled", Int()}, {"expires_at", Str()}});
  S["ImportFromUpload"] = Obj({{"upload_id", Str()}, {"object", Str()},
                               {"mapping", {{"type", "object"}, {"additionalProperties", NStr()}}},
                               {"dry_run", Bool()}, {"upsert_key", Str()}, {"source_ref_column", Str()},
                               {"again", Bool()}, {"region", Str()}, {"batch_rows", Int()}},
                              json::array({"upload_id"}), true);
  S["ImportMapping"] = Obj({{"id", Str()}, {"object", Str()}, {"headers", Arr(Str())},
                            {"mapping", {{"type", "object"}, {"additionalProperties", Str()}}},
                            {"updated_by", NStr()}, {"updated_at", Str()}, {"can_delete", Bool()}});

  // --- settings
  S["Settings"] = {{"type", "object"},
                   {"description", "Organisation settings; PATCH takes any subset (administrators)"},
                   {"properties",
                    {{"quote_approval_discount_pct", Num()}, {"business_hours", Str()}, {"utc_offset_minutes", Int()},
                     {"auto_qualify_score", NNum()}, {"first_response_target_minutes", Int()},
                     {"first_response_escalation", {{"type", "string"}, {"enum", {"notify", "reassign"}}}},
                     {"predictive_retrain_hours", Int()},
                     {"call_retry_hours", {{"type", "integer"}, {"minimum", 1}, {"maximum", 2160},
                                           {"description", "Hours before a no-answer/voicemail call-list member comes back"}}},
                     {"call_max_attempts", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50},
                                            {"description", "Calls after which an unanswered member drops out"}}}}}};
}

}  // namespace

void AddLeadGenOpenApi(json* paths_ptr, json* schemas) {
  Schemas(schemas);
  json& P = *paths_ptr;
  const json id = json::array({{{"$ref", "#/components/parameters/Id"}}});
  const json if_match = {{"$ref", "#/components/parameters/IfMatch"}};

  // --- web forms (records, answered with their public URL and embed snippets)
  P["/api/v1/forms"]["get"] = Op("list_forms", "forms", "Web forms", Ref("WebFormPage"));
  P["/api/v1/forms"]["get"]["parameters"] = json::array({QueryParam("filter", Arr(Str())), QueryParam("sort", Str()),
                                                        QueryParam("limit", Int()), QueryParam("cursor", Str())});
  P["/api/v1/forms"]["post"] = Op("create_forms", "forms", "Create a web form (administrators); answers its public key, URL and embed snippets",
                                 Ref("WebForm"), 201, Ref("WebFormCreate"), {409, 422});
  P["/api/v1/forms/{id}"]["get"] = Op("get_forms", "forms", "One web form", Ref("WebForm"));
  P["/api/v1/forms/{id}"]["patch"] = Op("update_forms", "forms", "Change a web form; fields, when given, replace the list",
                                       Ref("WebForm"), 200, Ref("WebFormInput"), {412, 422});
  P["/api/v1/forms/{id}"]["patch"]["parameters"] = json::array({if_match});
  P["/api/v1/email_outbox"] = {
      {"get", Op("list_email_outbox", "forms", "E-mails queued for sending (administrators)",
                 Obj({{"data", Arr(Ref("OutgoingEmail"))}}))}};
  P["/api/v1/email_outbox"]["get"]["parameters"] =
      json::array({QueryParam("status", {{"type", "string"}, {"enum", {"queued", "sent", "failed"}}}), QueryParam("limit", Int())});

  // --- public pages (no sign-in)
  json pub_errors = {{"404", {{"description", "No such form (HTML, or the error body with Accept: application/json)"}}},
                     {"413", RespRef("E413")},
                     {"429", {{"description", "Too many submissions from this address; Retry-After says when to try again"}}}};
  json html = {{"text/html", {{"schema", Str()}}}};
  json form_get = {{"operationId", "public_form"}, {"tags", {"public forms"}}, {"security", json::array()},
                   {"summary", "The form as a plain HTML page (embeddable, no JavaScript)"},
                   {"responses", {{"200", {{"description", "The form page"}, {"content", html}}}, {"404", pub_errors["404"]}}}};
  json post_responses = pub_errors;
  post_responses["201"] = {{"description", "Received (JSON body)"}, {"content", JsonContent(Ref("FormReceived"))}};
  post_responses["200"] = {{"description", "The thank-you page (urlencoded body)"}, {"content", html}};
  post_responses["303"] = {{"description", "Received: redirect to the form's redirect_url (urlencoded body)"}};
  post_responses["400"] = {{"description", "Invalid fields: the form again with messages (HTML), or every field's error (JSON)"},
                           {"content", {{"application/json", {{"schema", Ref("FormErrors")}}}, {"text/html", {{"schema", Str()}}}}}};
  json form_post = {{"operationId", "submit_form"}, {"tags", {"public forms"}}, {"security", json::array()},
                    {"summary", "Submit the form: creates a lead with source web_form, the form and its campaign"},
                    {"requestBody",
                     {{"required", true},
                      {"content", {{"application/json", {{"schema", Ref("FormSubmission")}}},
                                   {"application/x-www-form-urlencoded", {{"schema", Ref("FormSubmission")}}}}}}},
                    {"responses", post_responses}};
  P["/f/{key}"] = {{"parameters", json::array({PathParam("key")})}, {"get", form_get}, {"post", form_post}};
  json confirm_get = {
      {"operationId", "confirmation_page"}, {"tags", {"public forms"}}, {"security", json::array()},
      {"summary", "Double opt-in: a page with a confirm button; changes nothing (mail scanners open links)"},
      {"responses",
       {{"200", {{"description", "The confirm button, or 'already confirmed'"},
                 {"content", {{"text/html", {{"schema", Str()}}}, {"application/json", {{"schema", Ref("Confirmation")}}}}}}},
        {"404", {{"description", "Unknown link"}}},
        {"410", {{"description", "The link has expired"}}}}}};
  json confirm_post = confirm_get;
  confirm_post["operationId"] = "confirm_opt_in";
  confirm_post["summary"] = "Double opt-in: confirms the lead (status unconfirmed -> new); bound by the secret token in the URL";
  P["/f/confirm/{token}"] = {{"parameters", json::array({PathParam("token")})}, {"get", confirm_get}, {"post", confirm_post}};

  // --- leads: status flow, convert, scoring, enrichment, assignment
  P["/api/v1/leads/status_flow"] = {{"get", Op("lead_status_flow", "leads", "Statuses, allowed moves and disqualified reasons", Ref("LeadStatusFlow"))}};
  P["/api/v1/leads/{id}/convert"] = {
      {"parameters", id},
      {"get", Op("convert_matches", "leads", "Existing accounts and contacts a convert could link, and the defaults", Ref("ConvertMatches"))},
      {"post", Op("convert_lead", "leads", "Convert into an account, a contact and optionally an opportunity, in one transaction",
                  Ref("ConvertResult"), 200, Ref("ConvertRequest"), {409, 422})}};
  P["/api/v1/leads/{id}/matches"] = {
      {"parameters", id},
      {"get", Op("lead_matches", "leads", "Alias of GET /api/v1/leads/{id}/convert", Ref("ConvertMatches"))}};
  P["/api/v1/leads/rescore"] = {{"post", Op("rescore_leads", "scoring", "Recompute rule and predicted scores (optionally of the leads a filter selects)",
                                             Ref("RescoreResult"), 200, Ref("RescoreRequest"))}};
  P["/api/v1/leads/rescore"]["post"]["requestBody"]["required"] = false;
  P["/api/v1/leads/{id}/enrich"] = {{"parameters", id},
                                    {"post", Op("enrich_lead", "enrichment", "Run the enrichment providers on one lead", Ref("EnrichResult"))}};
  P["/api/v1/leads/{id}/assign"] = {{"parameters", id},
                                    {"post", Op("assign_lead", "assignment", "Run the assignment rules on one lead", Ref("AssignResult"))}};
  P["/api/v1/leads/{id}/assignments"] = {{"parameters", id},
                                         {"get", Op("lead_assignments", "assignment", "The lead's assignment log", Ref("AssignmentLog"))}};

  // --- campaigns
  json cid = json::array({PathParam("id")});
  P["/api/v1/campaigns/{id}/members"] = {
      {"parameters", cid},
      {"get", Op("campaign_members_with_people", "campaigns", "Members with a person summary and counts by response", Ref("MemberPage"))},
      {"post", Op("add_people_to_campaign", "campaigns", "Add leads and contacts (idempotent)", Ref("MembersAdded"), 200, Ref("MembersRequest"))}};
  P["/api/v1/campaigns/{id}/members/remove"] = {
      {"parameters", cid},
      {"post", Op("remove_people_from_campaign", "campaigns", "Remove people by lead/contact id", Ref("MembersRemoved"), 200, Ref("MembersRemoveRequest"))}};
  P["/api/v1/campaigns/{id}/members/{member_id}"] = {
      {"parameters", json::array({PathParam("id"), PathParam("member_id")})},
      {"delete", {{"operationId", "remove_one_campaign_member"}, {"tags", {"campaigns"}}, {"summary", "Remove one member"},
                  {"responses", [] { json e = Errors(); e["204"] = {{"description", "Removed"}}; return e; }()}}}};
  json csv_resp = Errors();
  csv_resp["200"] = {{"description", "Direct-mail list: opted-out and duplicate addresses suppressed (X-Rapport-Suppressed-* headers)"},
                     {"content", {{"text/csv", {{"schema", Str()}}}}}};
  P["/api/v1/campaigns/{id}/mailing.csv"] = {
      {"parameters", cid},
      {"get", {{"operationId", "campaign_mailing_csv"}, {"tags", {"campaigns"}}, {"summary", "The postal mailing list as CSV"}, {"responses", csv_resp}}}};
  P["/api/v1/campaigns/{id}/call_list/next"] = {
      {"parameters", cid},
      {"get", Op("call_list_next", "campaigns",
                 "The next member to call, reserved for you (never-called first, then unanswered ones after the retry delay)",
                 Ref("NextCall"))}};
  P["/api/v1/campaigns/{id}/call_list/{member_id}/outcome"] = {
      {"parameters", json::array({PathParam("id"), PathParam("member_id")})},
      {"post", Op("call_list_outcome", "campaigns", "Log a call's outcome (a done call, a callback task, the member updated)",
                  Ref("CallLogged"), 200, Ref("CallOutcomeRequest"), {409})}};

  // --- enrichment, models, reports, notifications
  P["/api/v1/enrichment/companies"] = {
      {"get", Op("company_reference", "enrichment", "The company reference: version and size; ?domain= looks one up", Ref("CompanyReference"))},
      {"post", Op("load_company_reference", "enrichment", "Load a company reference file (administrators): CSV/XLSX body or multipart file",
                  Ref("CompanyLoadResult"), 200, nullptr, {413})}};
  P["/api/v1/enrichment/companies"]["get"]["parameters"] = json::array({QueryParam("domain", Str())});
  P["/api/v1/enrichment/companies"]["post"]["parameters"] =
      json::array({QueryParam("mode", {{"type", "string"}, {"enum", {"replace", "merge"}}}), QueryParam("file_name", Str())});
  P["/api/v1/enrichment/companies"]["post"]["requestBody"] = {
      {"required", true},
      {"content", {{"text/csv", {{"schema", Str()}}},
                   {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                   {"multipart/form-data", {{"schema", Obj({{"file", {{"type", "string"}, {"format", "binary"}}}, {"mode", Str()}})}}}}}};
  P["/api/v1/score_models"] = {{"get", Op("list_score_models", "scoring", "Trained predictive models with their held-out AUC",
                                          Obj({{"data", Arr(AnyObject())}}))}};
  P["/api/v1/score_models"]["get"]["parameters"] = json::array({QueryParam("object", Str())});
  P["/api/v1/score_models/train"] = {{"post", Op("train_score_model", "scoring", "Train a predictive model now",
                                                  Ref("TrainReport"), 201, Ref("TrainRequest"), {422})}};
  P["/api/v1/score_models/train"]["post"]["requestBody"]["required"] = false;
  P["/api/v1/reports/first_response"] = {{"get", Op("first_response_report", "assignment",
                                                    "First response per rep: assigned, responded, median minutes, breaches",
                                                    Ref("FirstResponseReport"))}};
  P["/api/v1/reports/first_response"]["get"]["parameters"] =
      json::array({QueryParam("from", {{"type", "string"}, {"format", "date"}}), QueryParam("to", {{"type", "string"}, {"format", "date"}})});
  P["/api/v1/notifications"] = {{"get", Op("list_notifications", "notifications", "Your notifications, newest first", Ref("Notifications"))}};
  P["/api/v1/notifications"]["get"]["parameters"] =
      json::array({QueryParam("unread", Bool()), QueryParam("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}})});
  P["/api/v1/notifications/{id}/read"] = {
      {"parameters", id},
      {"post", {{"operationId", "read_notification"}, {"tags", {"notifications"}}, {"summary", "Mark one notification read"},
                {"responses", [] { json e = Errors(); e["204"] = {{"description", "Marked read"}}; return e; }()}}}};

  // --- imports
  json import_body = {{"required", true},
                      {"content", {{"text/csv", {{"schema", Str()}}},
                                   {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                                   {"multipart/form-data", {{"schema", Obj({{"file", {{"type", "string"}, {"format", "binary"}}},
                                                                            {"options", {{"type", "string"}, {"description", "JSON: object, mapping, dry_run, upsert keys, ..."}}}})}}},
                                   {"application/json", {{"schema", Ref("ImportFromUpload")}}}}}};
  P["/api/v1/imports"] = {
      {"get", Op("list_imports", "imports", "Your imports (administrators: all), newest first", Obj({{"data", Arr(Ref("ImportSummary"))}}))},
      {"post", Op("start_import", "imports", "Upload a CSV/XLSX/vCard file; the import (or dry run) runs in the background",
                  Ref("ImportSummary"), 202, nullptr, {413, 422})}};
  P["/api/v1/imports"]["post"]["requestBody"] = import_body;
  P["/api/v1/imports/{id}"] = {{"parameters", id},
                               {"get", Op("get_import", "imports", "Status, progress, counts, mapping and every failed row", Ref("ImportSummary"))}};
  P["/api/v1/imports/{id}/undo"] = {{"parameters", id},
                                    {"post", Op("undo_import", "imports", "Undo the whole import", Ref("ImportUndo"), 200, nullptr, {409})}};
  P["/api/v1/imports/uploads"] = {
      {"post", Op("upload_import_file", "imports",
                  "Upload a CSV/XLSX/vCard file once (`object` required): its columns, sample values, suggested (or "
                  "saved) mapping and the importable fields; dry runs and the import then name its upload_id (24 h)",
                  Ref("ImportUpload"), 201, nullptr, {413, 422})}};
  P["/api/v1/imports/uploads"]["post"]["requestBody"] = import_body;
  P["/api/v1/imports/uploads"]["post"]["requestBody"]["content"].erase("application/json");
  P["/api/v1/imports/mappings"] = {
      {"get", Op("list_import_mappings", "imports", "Saved column mappings of the organisation, newest first",
                 Obj({{"data", Arr(Ref("ImportMapping"))}}))}};
  P["/api/v1/imports/mappings"]["get"]["parameters"] = json::array({QueryParam("object", Str(), "leads, contacts or accounts")});
  P["/api/v1/imports/mappings/{id}"] = {
      {"parameters", id},
      {"delete", {{"operationId", "delete_import_mapping"}, {"tags", {"imports"}},
                  {"summary", "Forget a saved mapping (administrators, or who saved it)"},
                  {"responses", [] { json e = Errors(); e["204"] = {{"description", "Deleted"}}; return e; }()}}}};
  P["/api/v1/imports/{id}/resume"] = {{"parameters", id},
                                      {"post", Op("resume_import", "imports", "Continue an import stopped by a crash or shutdown",
                                                  Ref("ImportSummary"), 202, nullptr, {409})}};
  P["/api/v1/contacts/export.vcf"] = {
      {"get", {{"operationId", "export_vcard"}, {"tags", {"contacts"}}, {"summary", "The visible contacts as vCard 3.0"},
               {"responses", {{"200", {{"description", "vCards"}, {"content", {{"text/vcard", {{"schema", Str()}}}}}}}, {"401", RespRef("E401")}}}}}};

  // --- settings
  P["/api/v1/settings"] = {
      {"get", Op("get_settings", "settings", "Organisation settings", Ref("Settings"))},
      {"patch", Op("update_settings", "settings", "Change settings (administrators)", Ref("Settings"), 200, Ref("Settings"))}};
}

}  // namespace rapport
