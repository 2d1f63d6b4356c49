// Web-to-lead forms (issue 4): administrators define forms (which lead
// fields, labels, required or not, thank-you text or redirect, double opt-in,
// campaign); anyone may submit a form through its public key, which creates a
// lead with source "web_form", the form and the campaign; with double opt-in
// the lead waits in status "unconfirmed" until the link e-mailed to it is
// opened (the e-mail is queued in the outbox, app/email_outbox.h).
//
// The HTTP side (http/api_forms.cc) renders the HTML form, parses bodies and
// limits submissions per IP; the rules on which fields a form may ask for and
// the token bucket are in domain/web_forms.h. Stateless; thread-safe given
// one Conn per thread.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/web_forms.h"
#include "store/records.h"

namespace rapport {

// Days a double opt-in confirmation link stays valid.
constexpr int kConfirmationDays = 7;

// A form's definition as stored, with its fields resolved against the leads
// object (fields whose lead field no longer exists are left out; labels
// default to the field's label).
struct WebForm {
  Record rec;
  std::string org_id, id, key, name;
  std::vector<FormField> fields;
  bool double_opt_in = false;
  bool active = true;
  int rate_per_minute = kDefaultFormRatePerMinute;
  std::string thank_you_text, redirect_url, submit_label, public_url, campaign_id;
};

// A problem with one submitted field, for the JSON error or the form shown again.
struct FormFieldError {
  std::string field;
  std::string message;  // without the field name: "is not a valid email address"
};

struct SubmitResult {
  bool honeypot = false;            // a bot filled the honeypot: nothing was created
  bool needs_confirmation = false;  // double opt-in: the lead waits for its e-mail confirmation
  std::string lead_id;              // the new lead ("" when nothing was created)
  std::vector<FormFieldError> errors;  // non-empty: nothing was created
};

// kPending: the link is valid and not used yet (only from PeekConfirmation).
enum class ConfirmResult { kConfirmed, kAlreadyConfirmed, kExpired, kPending };

class Forms {
 public:
  // Creates a form (administrators only). `body` holds the form's fields as
  // the API takes them, `fields` as an array of {"field", "label",
  // "required"} objects (or plain field names). `default_public_url` is the
  // base URL this request came in on, used when the body names none.
  static Result<Record> Create(Conn* c, const TenantScope& s, const Catalog& cat, const nlohmann::json& body,
                               const std::string& default_public_url);
  // Changes a form (administrators only); `fields`, when given, replaces the list.
  static Result<Record> Update(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id,
                               const nlohmann::json& body, std::optional<int64_t> expected_version);

  // Parses and checks a `fields` array against the leads object.
  static Result<std::vector<FormField>> ParseFields(const nlohmann::json& in, const ObjectDef& leads);
  // The form record as a WebForm.
  static WebForm FromRecord(const Catalog& cat, const std::string& org_id, const Record& r);

  // The organisation a public key or confirmation token belongs to ("" if malformed).
  static std::string OrgOfKey(const std::string& key);
  // The live form with this public key; NotFound when there is none, it was
  // deleted, or it is not active.
  static Result<WebForm> FindByKey(Conn* c, const Catalog& cat, const std::string& key);

  // Submits `values` (field -> JSON string, number, bool or null) to `form`.
  // `strict` (JSON bodies): keys that are not fields of the form are errors;
  // otherwise they are ignored (browsers send buttons and more). A filled
  // honeypot returns honeypot=true and creates nothing. Validation problems
  // come back in errors (nothing created); otherwise one transaction creates
  // the lead (owner: the form's lead_owner_id, else its creator), its
  // campaign membership (status responded), and for double opt-in the
  // confirmation and its queued e-mail.
  static Result<SubmitResult> Submit(Conn* c, const Catalog& cat, const WebForm& form,
                                     const std::map<std::string, nlohmann::json>& values, bool strict);

  // Confirms a double opt-in token ("<org_id>.<secret>"): the lead leaves
  // "unconfirmed" for "new" and records opt_in_confirmed_at. NotFound for an
  // unknown token or a lead that is gone.
  static Result<ConfirmResult> Confirm(Conn* c, const Catalog& cat, const std::string& token);
  // What opening the link would do, without changing anything: kPending
  // (valid, waiting for the button), kAlreadyConfirmed or kExpired; NotFound
  // for an unknown token. GET /f/confirm/{token} shows this, so e-mail link
  // scanners that open links do not confirm anybody.
  static Result<ConfirmResult> PeekConfirmation(Conn* c, const std::string& token);
};

}  // namespace rapport
