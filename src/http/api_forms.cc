// Web-to-lead forms over HTTP (issue 4; docs/decisions/011-web-forms-and-convert.md):
//
//   GET    /api/v1/forms                 list (filter, sort, limit, cursor as any list)
//   POST   /api/v1/forms                 create (administrators): {"name", "fields": [{"field",
//                                        "label", "required"}], "thank_you_text" | "redirect_url",
//                                        "double_opt_in", "campaign_id", ...} -> 201 with the
//                                        public "key", "url" and "embed" snippets
//   GET    /api/v1/forms/{id}            one form; PATCH (If-Match), DELETE, POST .../restore,
//                                        GET .../history as for any record
//   GET    /api/v1/email_outbox          e-mails queued for sending (administrators)
//
//   GET    /f/{key}                      the form as a plain HTML page (no JavaScript needed)
//   POST   /f/{key}                      submit: application/x-www-form-urlencoded (answers
//                                        HTML: thank-you page, 303 to the redirect, or the form
//                                        again with messages and what was typed) or
//                                        application/json (answers JSON: 201, or the standard
//                                        error body plus "errors" for every field)
//   GET    /f/confirm/{token}            double opt-in: a page with a confirm button (changes nothing,
//                                        so mail scanners opening links confirm nobody)
//   POST   /f/confirm/{token}            double opt-in confirmation (what the button sends)
//
// Public submissions are limited per IP address and form with token buckets
// kept in this process's memory (FormRateLimiter), and to 64 KiB per body.
#include <mutex>
#include <unordered_map>

#include "app/email_outbox.h"
#include "app/forms.h"
#include "app/import.h"  // OrgDefaultRegion
#include "base/log.h"
#include "base/text.h"
#include "base/time.h"
#include "http/api.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

struct FormRateLimiter {
  std::mutex mu;
  // "<form id>|<client ip>" -> bucket of `per_minute` tokens refilled per minute.
  std::unordered_map<std::string, TokenBucket> buckets;

  // 0 if the submission may go ahead, else milliseconds until it may.
  int64_t Take(const std::string& key, int per_minute, int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mu);
    // Bounded memory: forget refilled buckets when the table grows; if a
    // flood of distinct addresses still fills it, start over (fail open).
    if (buckets.size() > 100000) {
      for (auto it = buckets.begin(); it != buckets.end();) {
        if (BucketIsFull(it->second, per_minute, 60000, now_ms)) it = buckets.erase(it);
        else ++it;
      }
      if (buckets.size() > 200000) buckets.clear();
    }
    int64_t retry = 0;
    if (TakeToken(&buckets[key], per_minute, 60000, now_ms, &retry)) return 0;
    return retry;
  }
};

std::shared_ptr<FormRateLimiter> MakeFormRateLimiter() { return std::make_shared<FormRateLimiter>(); }

namespace {

// Escaped text with line breaks kept.
std::string HtmlLines(const std::string& s) {
  std::string e = HtmlEscape(s), out;
  for (char ch : e) {
    if (ch == '\n') out += "<br>";
    else if (ch != '\r') out += ch;
  }
  return out;
}

const char* kStyle =
    "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;padding:16px;color:#1f2328;"
    "background:#fff}main{max-width:560px;margin:0 auto}h1{font-size:1.4em;margin:0 0 .8em}"
    ".rf-field{margin:0 0 14px}.rf-field label{display:block;font-weight:600;margin:0 0 4px}"
    ".rf-field input[type=text],.rf-field input[type=email],.rf-field input[type=tel],.rf-field input[type=url],"
    ".rf-field input[type=number],.rf-field input[type=date],.rf-field select,.rf-field textarea{box-sizing:border-box;"
    "width:100%;padding:8px 10px;border:1px solid #8c959f;border-radius:6px;font:inherit}"
    ".rf-check label{display:flex;gap:8px;align-items:flex-start;font-weight:400}"
    ".rf-invalid input,.rf-invalid select,.rf-invalid textarea{border-color:#cf222e}"
    ".rf-error{color:#cf222e;margin:4px 0 0;font-size:.9em}.rf-summary{border:1px solid #cf222e;background:#ffebe9;"
    "padding:8px 12px;border-radius:6px;margin:0 0 16px}.rf-req{color:#cf222e}"
    ".rf-hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}"
    "button{font:inherit;padding:9px 18px;border:0;border-radius:6px;background:#0969da;color:#fff;cursor:pointer}";

HttpResponse HtmlPage(int status, const std::string& title, const std::string& body_html) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta name=\"robots\" content=\"noindex\"><title>" +
           HtmlEscape(title) + "</title><style>" + kStyle + "</style></head><body><main>" + body_html +
           "</main></body></html>\n";
  // Embeddable (any site may frame it), no scripts, no other origins.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; form-action *; base-uri 'none'; "
                         "frame-ancestors *");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse MessagePage(int status, const std::string& title, const std::string& text) {
  return HtmlPage(status, title, "<h1>" + HtmlEscape(title) + "</h1><p>" + HtmlLines(text) + "</p>");
}

// Double opt-in: the page a confirmation link opens. Only its button's POST
// confirms (link scanners GET, they do not press buttons).
HttpResponse ConfirmButtonPage(const std::string& token) {
  return HtmlPage(200, "Confirm your e-mail address",
              "<h1>Confirm your e-mail address</h1><p>Press the button to confirm that you asked to be "
              "contacted.</p><form method=\"post\" action=\"/f/confirm/" +
                  HtmlEscape(token) + "\"><button type=\"submit\">Confirm my e-mail address</button></form>");
}

const char* Autocomplete(const std::string& field) {
  static const std::pair<const char*, const char*> kHints[] = {
      {"first_name", "given-name"},      {"last_name", "family-name"}, {"email", "email"},
      {"phone", "tel"},                  {"company", "organization"}, {"title", "organization-title"},
      {"street", "street-address"},      {"city", "address-level2"},  {"postcode", "postal-code"},
      {"country", "country-name"}};
  for (const auto& [f, h] : kHints) {
    if (field == f) return h;
  }
  return nullptr;
}

// The <form> of a web form: every value HTML-escaped; `typed` refills the
// fields, `errors` marks them. Works without JavaScript.
std::string RenderForm(const WebForm& f, const ObjectDef& leads, const std::string& action,
                       const std::map<std::string, std::string>& typed, const std::vector<FormFieldError>& errors) {
  std::string h;
  if (!errors.empty()) {
    h += "<div class=\"rf-summary\" role=\"alert\"><p>Please correct the ";
    h += errors.size() == 1 ? "field" : "fields";
    h += " marked below.</p></div>";
  }
  h += "<form class=\"rapport-form\" method=\"post\" action=\"" + HtmlEscape(action) +
       "\" accept-charset=\"utf-8\" enctype=\"application/x-www-form-urlencoded\">";
  for (const auto& ff : f.fields) {
    const FieldDef* fd = leads.Find(ff.field);
    if (!fd) continue;
    std::string id = "rf-" + ff.field;
    auto tv = typed.find(ff.field);
    std::string value = tv == typed.end() ? "" : tv->second;
    std::string message;
    for (const auto& e : errors) {
      if (e.field == ff.field) message = ff.label + " " + e.message;
    }
    bool invalid = !message.empty();
    std::string attrs = " id=\"" + HtmlEscape(id) + "\" name=\"" + HtmlEscape(ff.field) + "\"";
    if (ff.required) attrs += " required aria-required=\"true\"";
    if (invalid) attrs += " aria-invalid=\"true\" aria-describedby=\"" + HtmlEscape(id) + "-error\"";
    const char* ac = Autocomplete(ff.field);
    std::string label_text = HtmlEscape(ff.label) + (ff.required ? " <span class=\"rf-req\" aria-hidden=\"true\">*</span>" : "");
    std::string cls = std::string("rf-field") + (fd->kind == FieldKind::kBool ? " rf-check" : "") +
                      (invalid ? " rf-invalid" : "");
    h += "<div class=\"" + cls + "\">";
    if (fd->kind == FieldKind::kBool) {
      std::string lower = value;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool checked = lower == "true" || lower == "on" || lower == "1" || lower == "yes";
      h += "<label><input type=\"checkbox\" value=\"true\"" + attrs + (checked ? " checked" : "") + "> <span>" +
           label_text + "</span></label>";
    } else {
      h += "<label for=\"" + HtmlEscape(id) + "\">" + label_text + "</label>";
      std::string maxlen = " maxlength=\"" + std::to_string(fd->EffectiveMaxLength()) + "\"";
      std::string autoc = ac ? std::string(" autocomplete=\"") + ac + "\"" : "";
      switch (fd->kind) {
        case FieldKind::kLongText:
          h += "<textarea rows=\"4\"" + attrs + maxlen + ">" + HtmlEscape(value) + "</textarea>";
          break;
        case FieldKind::kPicklist: {
          h += "<select" + attrs + "><option value=\"\"></option>";
          for (const auto& o : fd->options) {
            h += "<option value=\"" + HtmlEscape(o) + "\"" + (o == value ? " selected" : "") + ">" + HtmlEscape(o) + "</option>";
          }
          h += "</select>";
          break;
        }
        default: {
          const char* type = "text";
          std::string extra = maxlen;
          switch (fd->kind) {
            case FieldKind::kEmail: type = "email"; break;
            case FieldKind::kPhone: type = "tel"; break;
            case FieldKind::kUrl: type = "url"; break;
            case FieldKind::kNumber:
            case FieldKind::kMoney:
              type = "number";
              extra = " step=\"any\" inputmode=\"decimal\"";
              if (fd->min) extra += " min=\"" + json(*fd->min).dump() + "\"";
              if (fd->max) extra += " max=\"" + json(*fd->max).dump() + "\"";
              break;
            case FieldKind::kDate: type = "date"; extra.clear(); break;
            default: break;
          }
          h += std::string("<input type=\"") + type + "\"" + attrs + extra + autoc + " value=\"" + HtmlEscape(value) + "\">";
        }
      }
    }
    if (invalid) h += "<p class=\"rf-error\" id=\"" + HtmlEscape(id) + "-error\">" + HtmlEscape(message) + "</p>";
    h += "</div>";
  }
  // The honeypot: people do not see it (and screen readers skip it); bots fill it.
  h += std::string("<div class=\"rf-hp\" aria-hidden=\"true\"><label for=\"rf-hp\">Leave this field empty</label>"
                   "<input type=\"text\" id=\"rf-hp\" name=\"") +
       kHoneypotField + "\" tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>";
  std::string submit = f.submit_label.empty() ? "Send" : f.submit_label;
  h += "<button type=\"submit\">" + HtmlEscape(submit) + "</button></form>";
  return h;
}

HttpResponse FormPage(int status, const WebForm& f, const ObjectDef& leads,
                      const std::map<std::string, std::string>& typed, const std::vector<FormFieldError>& errors) {
  return HtmlPage(status, f.name, "<h1>" + HtmlEscape(f.name) + "</h1>" + RenderForm(f, leads, "/f/" + f.key, typed, errors));
}

std::string FormUrl(const WebForm& f) { return f.public_url + "/f/" + f.key; }

// The API view of a form: its record, fields as an array, the public URL and
// snippets to embed it.
json FormJson(const Catalog& cat, const WebForm& f) {
  json j = RecordService::ToJson(*cat.Find("forms"), f.rec);
  json fields = json::array();
  for (const auto& ff : f.fields) fields.push_back({{"field", ff.field}, {"label", ff.label}, {"required", ff.required}});
  j["fields"] = fields;
  std::string url = FormUrl(f);
  j["url"] = url;
  j["embed"] = {
      {"iframe", "<iframe src=\"" + HtmlEscape(url) + "\" title=\"" + HtmlEscape(f.name) +
                     "\" style=\"width:100%;min-height:560px;border:0\" loading=\"lazy\"></iframe>"},
      {"html", RenderForm(f, *cat.Find("leads"), url, {}, {})},
      {"honeypot_field", kHoneypotField},
      {"note", "Paste the iframe, or the HTML form (style it with your site's CSS; keep the hidden " +
                   std::string(kHoneypotField) + " input hidden, it catches bots). Both post to " + url + "."}};
  return j;
}

std::string BaseUrl(const HttpRequest& req, bool secure) {
  std::string host = req.Header("host");
  if (host.empty() || host.find_first_of(" /\\\"<>") != std::string::npos) return {};
  std::string proto = req.Header("x-forwarded-proto");
  if (proto != "https" && proto != "http") proto = secure ? "https" : "http";
  return proto + "://" + host;
}

Result<std::optional<int64_t>> IfMatch(const std::string& h) {
  if (h.empty()) return std::optional<int64_t>{};
  std::string v = h;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    return Status::InvalidArgument("If-Match must be a record version like \"3\"", "If-Match");
  return std::optional<int64_t>{std::stoll(v)};
}

}  // namespace

HttpResponse Api::FormsApi(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req) {
  const std::string& m = req.method;
  if (seg[0] == "email_outbox") {
    if (seg.size() != 1 || m != "GET") return Error(Status::NotFound("no route for " + m + " " + req.path));
    std::string status;
    int limit = 100;
    for (const auto& [k, v] : req.query) {
      if (k == "status") status = v;
      else if (k == "limit") limit = std::atoi(v.c_str());
      else return Error(Status::InvalidArgument("unknown query parameter '" + k + "' (status, limit)", k));
    }
    auto r = ListEmails(c, p.scope, status, limit);
    if (!r.ok()) return Error(r.status());
    return JsonResponse(200, *r);
  }
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  const ObjectDef& def = *(*cat)->Find("forms");
  auto view = [&](int status, const Record& rec) {
    HttpResponse r = JsonResponse(status, FormJson(**cat, Forms::FromRecord(**cat, p.scope.org_id(), rec)));
    r.headers.emplace_back("ETag", "\"" + std::to_string(rec.version(def)) + "\"");
    return r;
  };
  if (seg.size() == 1 && m == "GET") {
    auto q = ParseListQuery(def, req.query);
    if (!q.ok()) return Error(q.status());
    auto page = RecordStore::List(c, p.scope, def, *q);
    if (!page.ok()) return Error(page.status());
    json data = json::array();
    for (const auto& r : page->records) data.push_back(FormJson(**cat, Forms::FromRecord(**cat, p.scope.org_id(), r)));
    json out = {{"data", data}};
    out["next_cursor"] = page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor);
    return JsonResponse(200, out);
  }
  if (seg.size() == 1 && m == "POST") {
    auto body = ParseJsonBody(req.body);
    if (!body.ok()) return Error(body.status());
    auto rec = Forms::Create(c, p.scope, **cat, *body, BaseUrl(req, opts_.secure_cookies));
    if (!rec.ok()) return Error(rec.status());
    spdlog::info("forms: {} created form {}", p.email, ValueToString(rec->Get(def, "id")));
    HttpResponse r = view(201, *rec);
    r.headers.emplace_back("Location", "/api/v1/forms/" + ValueToString(rec->Get(def, "id")));
    return r;
  }
  if (seg.size() == 2) {
    const std::string& id = seg[1];
    if (m == "GET") {
      auto rec = RecordStore::Get(c, p.scope, def, id);
      if (!rec.ok()) return Error(rec.status());
      return view(200, *rec);
    }
    if (m == "PATCH") {
      auto version = IfMatch(req.Header("if-match"));
      if (!version.ok()) return Error(version.status());
      auto body = ParseJsonBody(req.body);
      if (!body.ok()) return Error(body.status());
      auto rec = Forms::Update(c, p.scope, **cat, id, *body, *version);
      if (!rec.ok()) return Error(rec.status());
      return view(200, *rec);
    }
    if (m == "DELETE") {
      auto version = IfMatch(req.Header("if-match"));
      if (!version.ok()) return Error(version.status());
      auto rec = RecordService::Delete(c, p.scope, **cat, def, id, *version);
      if (!rec.ok()) return Error(rec.status());
      return view(200, *rec);
    }
  }
  if (seg.size() == 3 && seg[2] == "restore" && m == "POST") {
    auto rec = RecordService::Restore(c, p.scope, **cat, def, seg[1]);
    if (!rec.ok()) return Error(rec.status());
    return view(200, *rec);
  }
  if (seg.size() == 3 && seg[2] == "history" && m == "GET") return History(p, c, def, seg[1]);
  return Error(Status::NotFound("no route for " + m + " " + req.path));
}

HttpResponse Api::PublicForm(HttpRequest& req, Conn* c) {
  const std::string& m = req.method;
  std::vector<std::string> seg = PathSegments(req.path);  // {"f", key} or {"f", "confirm", token}
  const bool confirm = seg.size() == 3 && seg[1] == "confirm";
  if (!(seg.size() == 2 || confirm)) return MessagePage(404, "Not found", "There is no form at this address.");
  const std::string& key = confirm ? seg[2] : seg[1];
  const std::string content_type = req.Header("content-type");
  const bool json_body = content_type.rfind("application/json", 0) == 0;
  const bool wants_json = json_body || req.Header("accept").find("application/json") != std::string::npos;
  auto fail = [&](const Status& st, const std::string& title) {
    if (wants_json) return Error(st);
    return MessagePage(HttpStatus(st), title, st.code() == Status::Code::kInternal ? "Something went wrong; please "
                                                                                    "try again later."
                                                                                  : st.message());
  };

  // The organisation is named in the key; its catalogue gives the lead fields.
  std::string org = Forms::OrgOfKey(key);
  if (org.empty()) return fail(Status::NotFound("no such form"), "Not found");
  auto ver = c->Query("SELECT meta_version FROM organisations WHERE id = ?", {Value{org}});
  if (!ver.ok()) return fail(ver.status(), "Unavailable");
  if (ver->empty()) return fail(Status::NotFound(confirm ? "this confirmation link is not valid" : "no such form"), "Not found");
  const Value& mv = ver->rows[0][0];
  int64_t meta_version = std::get_if<int64_t>(&mv) ? std::get<int64_t>(mv) : 0;
  auto cat = catalogs_.Get(c, org, meta_version);
  if (!cat.ok()) return fail(cat.status(), "Unavailable");
  PhoneRegionScope phone_region(OrgDefaultRegion(c, org));

  if (confirm) {
    // GET only shows a button: mail scanners and link previews open links,
    // and must not confirm anybody. The POST the button sends confirms; it
    // needs no CSRF token because the secret token in the URL is what binds
    // it (a forged POST would have to know it).
    if (m == "GET" || m == "HEAD") {
      auto r = Forms::PeekConfirmation(c, key);
      if (!r.ok()) return fail(r.status(), "Link not valid");
      switch (*r) {
        case ConfirmResult::kPending:
          if (wants_json) return JsonResponse(200, {{"status", "pending"}});
          return ConfirmButtonPage(key);
        case ConfirmResult::kAlreadyConfirmed:
          if (wants_json) return JsonResponse(200, {{"status", "already_confirmed"}});
          return MessagePage(200, "Already confirmed", "Your e-mail address was already confirmed. Thank you.");
        case ConfirmResult::kExpired:
        case ConfirmResult::kConfirmed:
          break;
      }
      if (wants_json)
        return JsonResponse(410, {{"error", {{"code", "expired"}, {"message", "this confirmation link has expired"}}}});
      return MessagePage(410, "Link expired", "This confirmation link has expired. Please fill in the form again.");
    }
    if (m != "POST") return fail(Status::NotFound("use GET or POST " + req.path), "Not found");
    auto r = Forms::Confirm(c, **cat, key);
    if (!r.ok()) return fail(r.status(), "Link not valid");
    switch (*r) {
      case ConfirmResult::kConfirmed:
        spdlog::info("forms: double opt-in confirmed (org {})", org);
        if (wants_json) return JsonResponse(200, {{"status", "confirmed"}});
        return MessagePage(200, "Thank you", "Your e-mail address is confirmed.");
      case ConfirmResult::kAlreadyConfirmed:
      case ConfirmResult::kPending:
        if (wants_json) return JsonResponse(200, {{"status", "already_confirmed"}});
        return MessagePage(200, "Already confirmed", "Your e-mail address was already confirmed. Thank you.");
      case ConfirmResult::kExpired:
        break;
    }
    if (wants_json)
      return JsonResponse(410, {{"error", {{"code", "expired"}, {"message", "this confirmation link has expired"}}}});
    return MessagePage(410, "Link expired", "This confirmation link has expired. Please fill in the form again.");
  }

  auto form = Forms::FindByKey(c, **cat, key);
  if (!form.ok()) return fail(form.status(), "Not found");
  const ObjectDef& leads = *(*cat)->Find("leads");
  if (m == "GET") return FormPage(200, *form, leads, {}, {});
  if (m != "POST") return fail(Status::NotFound("use GET or POST " + req.path), "Not found");

  // Every submission attempt counts against the per-IP budget of this form.
  int64_t retry_ms = form_limiter_->Take(form->id + "|" + req.client_ip, form->rate_per_minute,
                                         Clock::Get().NowMillis());
  if (retry_ms > 0) {
    HttpResponse r = fail(Status::RateLimited("too many submissions from your address; try again in a minute"),
                          "Too many submissions");
    std::string secs = std::to_string((retry_ms + 999) / 1000);
    bool replaced = false;
    for (auto& [k, v] : r.headers) {
      if (k == "Retry-After") { v = secs; replaced = true; }
    }
    if (!replaced) r.headers.emplace_back("Retry-After", secs);
    return r;
  }
  if (req.body.size() > kMaxFormBodyBytes)
    return fail(Status::TooLarge("the form data is larger than " + std::to_string(kMaxFormBodyBytes / 1024) + " KiB"),
                "Too large");

  std::map<std::string, json> values;
  std::map<std::string, std::string> typed;  // what the person typed, to show the form again
  if (json_body) {
    auto b = ParseJsonBody(req.body);
    if (!b.ok()) return Error(b.status());
    if (!b->is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
    for (auto it = b->begin(); it != b->end(); ++it) values[it.key()] = it.value();
  } else if (content_type.rfind("application/x-www-form-urlencoded", 0) == 0 || content_type.empty()) {
    std::string path;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!ParseTarget("/?" + req.body, &path, &pairs))
      return fail(Status::InvalidArgument("malformed form data"), "Malformed form data");
    for (auto& [k, v] : pairs) {
      values[k] = v;
      typed[k] = v;
    }
  } else {
    return fail(Status::InvalidArgument("send application/x-www-form-urlencoded or application/json", "Content-Type"),
                "Unsupported form data");
  }

  auto res = Forms::Submit(c, **cat, *form, values, /*strict=*/json_body);
  if (!res.ok()) return fail(res.status(), "Not sent");
  if (!res->errors.empty()) {
    if (json_body) {
      const auto& first = res->errors.front();
      json errors = json::array();
      for (const auto& e : res->errors) errors.push_back({{"field", e.field}, {"message", e.field + ": " + e.message}});
      json body = {{"error", {{"code", "invalid_argument"}, {"message", first.field + ": " + first.message},
                              {"field", first.field}}},
                   {"errors", errors}};
      return JsonResponse(400, body);
    }
    return FormPage(400, *form, leads, typed, res->errors);
  }
  if (res->honeypot) spdlog::info("forms: honeypot filled on form {} from {}; nothing kept", form->id, req.client_ip);
  std::string thanks = form->thank_you_text.empty() ? "Thank you. We will be in touch." : form->thank_you_text;
  if (res->needs_confirmation) thanks += "\n\nPlease check your e-mail and open the link in it to confirm.";
  if (json_body) {
    json out = {{"status", "received"},
                {"message", thanks},
                {"confirmation_required", res->needs_confirmation}};
    out["redirect_url"] = form->redirect_url.empty() ? json(nullptr) : json(form->redirect_url);
    return JsonResponse(201, out);
  }
  if (!form->redirect_url.empty()) {
    HttpResponse r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.headers.emplace_back("Location", form->redirect_url);
    r.body = "See " + form->redirect_url + "\n";
    return r;
  }
  return MessagePage(200, form->name, thanks);
}

}  // namespace rapport
