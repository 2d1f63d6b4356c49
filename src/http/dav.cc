// CalDAV, CardDAV and the iCalendar feed (see dav.h for the layout and
// docs/decisions/010-dav-and-ical.md for the choices).
#include "http/dav.h"

#include <expat.h>
#include <sodium.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "app/import.h"  // OrgDefaultRegion: phone numbers in the organisation's region
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "http/api.h"
#include "io/ical.h"
#include "io/vcard.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

constexpr const char* kNsDav = "DAV:";
constexpr const char* kNsCal = "urn:ietf:params:xml:ns:caldav";
constexpr const char* kNsCard = "urn:ietf:params:xml:ns:carddav";
constexpr const char* kNsCs = "http://calendarserver.org/ns/";
constexpr size_t kMaxItems = 20000;  // per collection listing
constexpr int kMaxXmlDepth = 64;

// ---------------------------------------------------------------- XML ------

struct XmlNode {
  std::string ns, name, text;
  std::vector<XmlNode> children;
  bool Is(const char* n, const char* local) const { return ns == n && name == local; }
  const XmlNode* Child(const char* n, const char* local) const {
    for (const auto& c : children) {
      if (c.Is(n, local)) return &c;
    }
    return nullptr;
  }
};

struct XmlState {
  XML_Parser parser = nullptr;
  std::vector<XmlNode> stack;
  std::optional<XmlNode> root;
  std::string error;
};

void SplitExpatName(const char* qn, XmlNode* n) {
  std::string s(qn);
  size_t sep = s.find('\n');
  if (sep == std::string::npos) {
    n->name = s;
  } else {
    n->ns = s.substr(0, sep);
    n->name = s.substr(sep + 1);
  }
}

void XMLCALL OnStart(void* ud, const XML_Char* name, const XML_Char**) {
  auto* st = static_cast<XmlState*>(ud);
  if (static_cast<int>(st->stack.size()) >= kMaxXmlDepth) {
    st->error = "elements nested more than 64 levels deep";
    XML_StopParser(st->parser, XML_FALSE);
    return;
  }
  XmlNode n;
  SplitExpatName(name, &n);
  st->stack.push_back(std::move(n));
}

void XMLCALL OnEnd(void* ud, const XML_Char*) {
  auto* st = static_cast<XmlState*>(ud);
  if (st->stack.empty()) return;
  XmlNode n = std::move(st->stack.back());
  st->stack.pop_back();
  if (st->stack.empty()) st->root = std::move(n);
  else st->stack.back().children.push_back(std::move(n));
}

void XMLCALL OnText(void* ud, const XML_Char* s, int len) {
  auto* st = static_cast<XmlState*>(ud);
  if (!st->stack.empty()) st->stack.back().text.append(s, static_cast<size_t>(len));
}

void XMLCALL OnDoctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* st = static_cast<XmlState*>(ud);
  st->error = "document type declarations (DTDs) are not allowed";
  XML_StopParser(st->parser, XML_FALSE);
}

// Parses a request body into a namespace-resolved tree. InvalidArgument with
// expat's line and message for malformed XML.
Result<XmlNode> ParseXml(const std::string& body) {
  XmlState st;
  st.parser = XML_ParserCreateNS(nullptr, '\n');
  if (!st.parser) return Status::Internal("cannot create an XML parser");
  XML_SetUserData(st.parser, &st);
  XML_SetElementHandler(st.parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(st.parser, OnText);
  XML_SetStartDoctypeDeclHandler(st.parser, OnDoctype);
  XML_Status ok = XML_Parse(st.parser, body.data(), static_cast<int>(body.size()), XML_TRUE);
  std::string msg;
  if (ok != XML_STATUS_OK) {
    msg = st.error.empty() ? XML_ErrorString(XML_GetErrorCode(st.parser)) : st.error;
    msg = "malformed XML (line " + std::to_string(XML_GetCurrentLineNumber(st.parser)) + "): " + msg;
  }
  XML_ParserFree(st.parser);
  if (!msg.empty()) return Status::InvalidArgument(msg);
  if (!st.root) return Status::InvalidArgument("malformed XML: no root element");
  return std::move(*st.root);
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;  // keep CRLF line ends of calendar and address data
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') break;  // not allowed in XML 1.0
        out.push_back(c);
    }
  }
  return out;
}

struct PropName {
  std::string ns, name;
};

// The element name with a prefix declared on <multistatus>, or a local
// declaration for other namespaces.
std::string Tag(const PropName& p) {
  if (p.ns == kNsDav) return "d:" + p.name;
  if (p.ns == kNsCal) return "c:" + p.name;
  if (p.ns == kNsCard) return "card:" + p.name;
  if (p.ns == kNsCs) return "cs:" + p.name;
  return "x:" + p.name;
}
std::string Element(const PropName& p, const std::string& inner) {
  std::string t = Tag(p);
  std::string decl = (t.rfind("x:", 0) == 0) ? " xmlns:x=\"" + XmlEscape(p.ns) + "\"" : "";
  if (inner.empty()) return "<" + t + decl + "/>";
  return "<" + t + decl + ">" + inner + "</" + t + ">";
}

const char* StatusLine(int code) {
  switch (code) {
    case 200: return "HTTP/1.1 200 OK";
    case 507: return "HTTP/1.1 507 Insufficient Storage";
    case 403: return "HTTP/1.1 403 Forbidden";
    case 404: return "HTTP/1.1 404 Not Found";
    default: return "HTTP/1.1 500 Internal Server Error";
  }
}

class Multistatus {
 public:
  Multistatus() {
    out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"" +
           std::string(kNsCal) + "\" xmlns:card=\"" + kNsCard + "\" xmlns:cs=\"" + kNsCs + "\">\n";
  }
  void Add(const std::string& href, const std::vector<std::string>& found, const std::vector<PropName>& missing) {
    out_ += "<d:response><d:href>" + XmlEscape(href) + "</d:href>";
    if (!found.empty()) {
      out_ += "<d:propstat><d:prop>";
      for (const auto& f : found) out_ += f;
      out_ += "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>";
    }
    if (!missing.empty()) {
      out_ += "<d:propstat><d:prop>";
      for (const auto& m : missing) out_ += Element(m, "");
      out_ += "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>";
    }
    out_ += "</d:response>\n";
  }
  void AddStatus(const std::string& href, int code) {
    out_ += "<d:response><d:href>" + XmlEscape(href) + "</d:href><d:status>" + StatusLine(code) +
            "</d:status></d:response>\n";
  }
  // RFC 6578: the new sync-token after the responses of a sync-collection REPORT.
  void SetSyncToken(const std::string& token) { sync_token_ = token; }
  HttpResponse Finish() {
    HttpResponse r;
    r.status = 207;
    r.content_type = "application/xml; charset=utf-8";
    r.body = out_;
    if (!sync_token_.empty()) r.body += "<d:sync-token>" + XmlEscape(sync_token_) + "</d:sync-token>\n";
    r.body += "</d:multistatus>\n";
    return r;
  }

 private:
  std::string out_;
  std::string sync_token_;
};

// ------------------------------------------------------------ helpers -----

HttpResponse TextResponse(int status, const std::string& body, const std::string& type = "text/plain; charset=utf-8") {
  HttpResponse r;
  r.status = status;
  r.content_type = type;
  r.body = body;
  return r;
}

HttpResponse DavError(int status, const std::string& precondition_xml, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/xml; charset=utf-8";
  r.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" xmlns:c=\"" + std::string(kNsCal) +
           "\" xmlns:card=\"" + kNsCard + "\">" + precondition_xml + "<d:message>" + XmlEscape(message) +
           "</d:message></d:error>\n";
  return r;
}

HttpResponse Unauthorized(const std::string& why) {
  HttpResponse r = Api::Error(Status::Unauthenticated(why));
  r.headers.clear();
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Rapport\", charset=\"UTF-8\"");
  return r;
}

std::string PctEncode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int64_t IsoMs(const Value& v) {
  int64_t ms = 0;
  if (IsNull(v) || !ParseDateTime(ValueToString(v), &ms)) return 0;
  return ms;
}

// Cuts UTF-8 text to at most `max` code points.
std::string CutChars(const std::string& s, size_t max) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max) return s.substr(0, i);
      ++chars;
    }
  }
  return s;
}

// ETag lists of If-Match / If-None-Match: "*", or versions like "3", W/"3".
struct EtagCondition {
  bool any = false;
  std::vector<int64_t> versions;
  bool Matches(int64_t v) const { return any || std::find(versions.begin(), versions.end(), v) != versions.end(); }
};
std::optional<EtagCondition> ParseEtags(const std::string& h) {
  if (h.empty()) return std::nullopt;
  EtagCondition c;
  std::stringstream ss(h);
  std::string part;
  while (std::getline(ss, part, ',')) {
    size_t b = part.find_first_not_of(" \t"), e = part.find_last_not_of(" \t");
    if (b == std::string::npos) continue;
    std::string t = part.substr(b, e - b + 1);
    if (t == "*") {
      c.any = true;
      continue;
    }
    if (t.rfind("W/", 0) == 0) t = t.substr(2);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos) continue;  // never ours
    c.versions.push_back(std::stoll(t));
  }
  return c;
}

std::string Etag(int64_t version) { return "\"" + std::to_string(version) + "\""; }

// ------------------------------------------------------------ model -------

enum class Coll { kCalendar, kContacts };

struct Ctx {
  Principal p;
  std::shared_ptr<const Catalog> cat;
  const ObjectDef* activities = nullptr;
  const ObjectDef* contacts = nullptr;
  const ObjectDef* accounts = nullptr;
  std::string base;  // "/dav/home/<user>/"
  // Collection states whose sync-token this response hands out (RFC 6578);
  // saved by SaveSyncStates once the response is built.
  mutable std::vector<std::pair<Coll, std::string>> sync_states;
  const ObjectDef& Def(Coll c) const { return c == Coll::kCalendar ? *activities : *contacts; }
  std::string CollHref(Coll c) const { return base + (c == Coll::kCalendar ? "calendar/" : "contacts/"); }
};

const char* ObjectName(Coll c) { return c == Coll::kCalendar ? "activities" : "contacts"; }
const char* Ext(Coll c) { return c == Coll::kCalendar ? ".ics" : ".vcf"; }

struct DavItem {
  Record rec;
  std::string id, name, uid;  // record id, resource name, UID
  int64_t version = 0;
  bool mapped = false;        // has a dav_resources row
  std::optional<int64_t> raw_version;
  std::string raw;            // loaded on demand
  bool raw_loaded = false;
};

bool IsEventType(const std::string& t) { return t == "meeting" || t == "call" || t == "visit"; }

// Whether a visible record belongs in the user's collection.
bool InCollection(const Ctx& x, Coll coll, const Record& r) {
  const ObjectDef& d = x.Def(coll);
  if (ValueToString(r.Get(d, "owner_id")) != x.p.scope.user_id() || !IsNull(r.Get(d, "deleted_at"))) return false;
  if (coll == Coll::kContacts) return true;
  std::string type = ValueToString(r.Get(d, "type"));
  return type == "task" || (IsEventType(type) && !IsNull(r.Get(d, "due_at")));
}

DavItem ItemFromRecord(const Ctx& x, Coll coll, Record rec) {
  DavItem it;
  const ObjectDef& d = x.Def(coll);
  it.id = ValueToString(rec.Get(d, "id"));
  it.version = rec.version(d);
  it.name = it.id + Ext(coll);
  it.uid = it.id;
  it.rec = std::move(rec);
  return it;
}

// Fills name/uid/raw_version of items that have a dav_resources row.
Status AttachMappings(Conn* c, const Ctx& x, Coll coll, std::vector<DavItem>* items, size_t from) {
  const size_t kBatch = 500;
  for (size_t i = from; i < items->size(); i += kBatch) {
    std::string sql = "SELECT record_id, href, uid, raw_version FROM dav_resources WHERE org_id = ? AND object = ? "
                      "AND record_id IN (";
    std::vector<Value> params{Value{x.p.scope.org_id()}, Value{std::string(ObjectName(coll))}};
    std::unordered_map<std::string, DavItem*> by_id;
    for (size_t j = i; j < std::min(items->size(), i + kBatch); ++j) {
      sql += j == i ? "?" : ", ?";
      params.emplace_back((*items)[j].id);
      by_id[(*items)[j].id] = &(*items)[j];
    }
    sql += ")";
    RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, params));
    for (auto& row : r.rows) {
      auto it = by_id.find(ValueToString(row[0]));
      if (it == by_id.end()) continue;
      it->second->mapped = true;
      it->second->name = ValueToString(row[1]);
      it->second->uid = ValueToString(row[2]);
      if (auto* v = std::get_if<int64_t>(&row[3])) it->second->raw_version = *v;
    }
  }
  return Status::Ok();
}

// Every item of the user's collection (owner = user, live).
Result<std::vector<DavItem>> ListItems(Conn* c, const Ctx& x, Coll coll) {
  std::vector<DavItem> items;
  const ObjectDef& d = x.Def(coll);
  std::vector<std::vector<Filter>> queries;
  Filter owner{"owner_id", FilterOp::kEq, {Value{x.p.scope.user_id()}}};
  if (coll == Coll::kContacts) {
    queries.push_back({owner});
  } else {
    queries.push_back({owner, Filter{"type", FilterOp::kEq, {Value{std::string("task")}}}});
    queries.push_back({owner,
                       Filter{"type", FilterOp::kIn,
                              {Value{std::string("meeting")}, Value{std::string("call")}, Value{std::string("visit")}}},
                       Filter{"due_at", FilterOp::kIsNull, {Value{int64_t{0}}}}});
  }
  for (auto& filters : queries) {
    ListQuery q;
    q.filters = filters;
    q.limit = 1000;
    for (;;) {
      RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, x.p.scope, d, q));
      size_t from = items.size();
      for (auto& r : page.records) items.push_back(ItemFromRecord(x, coll, std::move(r)));
      RP_RETURN_IF_ERROR(AttachMappings(c, x, coll, &items, from));
      if (page.next_cursor.empty() || items.size() >= kMaxItems) break;
      q.cursor = page.next_cursor;
    }
  }
  return items;
}

// The item at resource `name` of the user's collection, if any.
Result<std::optional<DavItem>> FindItem(Conn* c, const Ctx& x, Coll coll, const std::string& name) {
  const ObjectDef& d = x.Def(coll);
  RP_ASSIGN_OR_RETURN(Rows mapped, c->Query("SELECT record_id FROM dav_resources WHERE org_id = ? AND object = ? AND "
                                            "href = ?",
                                            {Value{x.p.scope.org_id()}, Value{std::string(ObjectName(coll))}, Value{name}}));
  std::vector<std::string> candidates;
  for (auto& row : mapped.rows) candidates.push_back(ValueToString(row[0]));
  std::string ext = Ext(coll);
  bool id_name = name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
  if (id_name) candidates.push_back(name.substr(0, name.size() - ext.size()));
  for (const auto& id : candidates) {
    auto r = RecordStore::Get(c, x.p.scope, d, id);
    if (!r.ok()) {
      if (r.status().code() == Status::Code::kNotFound) continue;
      return r.status();
    }
    if (!InCollection(x, coll, *r)) continue;
    std::vector<DavItem> one;
    one.push_back(ItemFromRecord(x, coll, std::move(*r)));
    RP_RETURN_IF_ERROR(AttachMappings(c, x, coll, &one, 0));
    if (one[0].name != name) continue;  // "<id>.vcf" of a record the client named otherwise
    return std::optional<DavItem>(std::move(one[0]));
  }
  return std::optional<DavItem>{};
}

// Another live item of the collection with this UID (RFC 4791 5.3.2.1).
Result<bool> UidTaken(Conn* c, const Ctx& x, Coll coll, const std::string& uid, const std::string& except_id) {
  const ObjectDef& d = x.Def(coll);
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT record_id FROM dav_resources WHERE org_id = ? AND object = ? AND uid = ?",
                                       {Value{x.p.scope.org_id()}, Value{std::string(ObjectName(coll))}, Value{uid}}));
  std::vector<std::string> ids;
  for (auto& row : r.rows) ids.push_back(ValueToString(row[0]));
  ids.push_back(uid);  // unmapped records have UID = id
  for (const auto& id : ids) {
    if (id == except_id) continue;
    auto rec = RecordStore::Get(c, x.p.scope, d, id);
    if (!rec.ok() || !InCollection(x, coll, *rec)) continue;
    std::vector<DavItem> one;
    one.push_back(ItemFromRecord(x, coll, std::move(*rec)));
    RP_RETURN_IF_ERROR(AttachMappings(c, x, coll, &one, 0));
    if (one[0].uid == uid) return true;
  }
  return false;
}

ICalItem ActivityToICal(const ObjectDef& d, const Record& r, const std::string& uid) {
  ICalItem it;
  std::string type = ValueToString(r.Get(d, "type"));
  it.kind = type == "task" ? ICalItem::Kind::kTodo : ICalItem::Kind::kEvent;
  it.uid = uid;
  it.summary = ValueToString(r.Get(d, "subject"));
  it.description = ValueToString(r.Get(d, "description"));
  it.created_ms = IsoMs(r.Get(d, "created_at"));
  it.modified_ms = IsoMs(r.Get(d, "updated_at"));
  it.stamp_ms = it.modified_ms;
  it.sequence = r.version(d);
  int64_t due = IsoMs(r.Get(d, "due_at"));
  bool has_due = !IsNull(r.Get(d, "due_at"));
  constexpr int64_t kDay = 86400000;
  if (it.kind == ICalItem::Kind::kEvent) {
    std::string cat = type;
    cat[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cat[0])));
    it.categories = {cat};
    it.has_start = has_due;
    it.start_ms = due;
    int64_t end = IsoMs(r.Get(d, "ends_at"));
    bool has_end = !IsNull(r.Get(d, "ends_at")) && end > due;
    it.has_end = true;
    it.end_ms = has_end ? end : due + (type == "call" ? 30 : 60) * 60000;
    // Midnight to midnight (UTC): an all-day event, as clients send them.
    it.all_day = has_end && due % kDay == 0 && end % kDay == 0;
  } else {
    it.has_start = has_due;
    it.start_ms = due;
    it.all_day = has_due && due % kDay == 0;
    it.completed = !IsNull(r.Get(d, "done_at"));
    it.completed_ms = IsoMs(r.Get(d, "done_at"));
  }
  return it;
}

Result<std::string> AccountName(Conn* c, const Ctx& x, const Value& account_id) {
  if (IsNull(account_id) || !x.accounts) return std::string();
  auto a = RecordStore::Get(c, x.p.scope, *x.accounts, ValueToString(account_id));
  if (!a.ok()) return std::string();
  return ValueToString(a->Get(*x.accounts, "name"));
}

// The resource's text: the client's own upload while the record is unchanged
// since, else generated from the record.
Result<std::string> Render(Conn* c, const Ctx& x, Coll coll, DavItem* it) {
  if (it->mapped && it->raw_version && *it->raw_version == it->version) {
    if (!it->raw_loaded) {
      RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT raw FROM dav_resources WHERE org_id = ? AND object = ? AND "
                                           "record_id = ?",
                                           {Value{x.p.scope.org_id()}, Value{std::string(ObjectName(coll))},
                                            Value{it->id}}));
      it->raw_loaded = true;
      if (!r.empty()) it->raw = ValueToString(r.rows[0][0]);
    }
    if (!it->raw.empty()) return it->raw;
  }
  const ObjectDef& d = x.Def(coll);
  if (coll == Coll::kCalendar) return WriteICalendar({ActivityToICal(d, it->rec, it->uid)});
  VCardContact v = ContactToVCard(d, it->rec);
  v.uid = it->uid;  // the client's UID for resources it created
  v.revision = FormatICalDateTime(IsoMs(it->rec.Get(d, "updated_at")));
  RP_ASSIGN_OR_RETURN(v.organisation, AccountName(c, x, it->rec.Get(d, "account_id")));
  return WriteVCard(v);
}

const char* ContentType(Coll coll) {
  return coll == Coll::kCalendar ? "text/calendar; charset=utf-8" : "text/vcard; charset=utf-8";
}

// ------------------------------------------------------- uploads ----------

struct Parsed {
  json body;        // for RecordService
  std::string uid;
};

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

Result<Parsed> ParseCalendarUpload(const std::string& text, const ObjectDef& d, const Record* cur) {
  RP_ASSIGN_OR_RETURN(ICalComponent cal, ParseICalendar(text));
  RP_ASSIGN_OR_RETURN(ICalItem it, ICalItemFromCalendar(cal));
  Parsed out;
  out.uid = it.uid;
  json& b = out.body;
  b = json::object();
  std::string subject = CutChars(it.summary, static_cast<size_t>(d.Find("subject")->EffectiveMaxLength()));
  for (auto& ch : subject) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  b["subject"] = subject.empty() ? "(no title)" : subject;
  b["description"] = NullIfEmpty(it.description);
  if (it.kind == ICalItem::Kind::kTodo) {
    b["type"] = "task";
    b["due_at"] = it.has_start ? json(FormatIsoMillis(it.start_ms)) : json(nullptr);
    b["ends_at"] = nullptr;
    if (!it.completed) {
      b["done_at"] = nullptr;
    } else if (it.completed_ms) {
      b["done_at"] = FormatIsoMillis(it.completed_ms);
    } else if (!cur || IsNull(cur->Get(d, "done_at"))) {
      b["done_at"] = NowIso();
    }
  } else {
    std::string type;
    for (const auto& c : it.categories) {
      std::string l = Lower(c);
      if (IsEventType(l)) type = l;
    }
    if (type.empty() && cur && IsEventType(ValueToString(cur->Get(d, "type")))) type = ValueToString(cur->Get(d, "type"));
    b["type"] = type.empty() ? "meeting" : type;
    b["due_at"] = FormatIsoMillis(it.start_ms);
    b["ends_at"] = it.has_end ? json(FormatIsoMillis(it.end_ms)) : json(nullptr);
  }
  return out;
}

Result<Parsed> ParseContactUpload(Conn* c, const Ctx& x, const std::string& text) {
  std::istringstream in(text);
  VCardOptions opts;
  opts.max_card_bytes = 1 << 20;
  VCardReader reader(in, opts);
  VCard card;
  Status err;
  if (!reader.Next(&card, &err)) return Status::InvalidArgument("vCard: no BEGIN:VCARD found");
  if (!err.ok()) return Status::InvalidArgument("vCard: " + err.message());
  VCard extra;
  Status err2;
  if (reader.Next(&extra, &err2)) return Status::InvalidArgument("vCard: one contact per resource (found a second BEGIN:VCARD)");
  std::vector<std::string> row = VCardToRow(card);
  auto col = [&](const char* name) -> std::string {
    auto it = std::find(kVCardColumns.begin(), kVCardColumns.end(), name);
    return it == kVCardColumns.end() ? std::string() : row[static_cast<size_t>(it - kVCardColumns.begin())];
  };
  Parsed out;
  out.uid = col("source_ref");
  if (out.uid.empty()) return Status::InvalidArgument("vCard: UID is missing (CardDAV needs one per contact)");
  if (out.uid.size() > 255) return Status::InvalidArgument("vCard: UID is longer than 255 characters");
  std::string last = col("last_name"), first = col("first_name");
  if (last.empty()) last = !col("company").empty() ? col("company") : col("full_name");
  if (last.empty()) last = col("email");
  if (last.empty() && first.empty()) return Status::InvalidArgument("vCard: the contact has no name (N or FN)");
  if (last.empty()) std::swap(last, first);
  json& b = out.body;
  b = json::object();
  b["first_name"] = NullIfEmpty(first);
  b["last_name"] = last;
  for (const char* f : {"email", "phone", "mobile", "title", "street", "city", "postcode", "country"})
    b[f] = NullIfEmpty(col(f));
  b["description"] = NullIfEmpty(col("description"));
  // ORG names an account: linked when one of that name is visible; an
  // unknown organisation leaves the link as it is.
  std::string org = col("company");
  if (!org.empty() && x.accounts) {
    ListQuery q;
    q.filters.push_back(Filter{"name", FilterOp::kEq, {Value{org}}});
    q.limit = 1;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, x.p.scope, *x.accounts, q));
    if (!pg.records.empty()) b["account_id"] = ValueToString(pg.records[0].Get(*x.accounts, "id"));
  }
  return out;
}

// ------------------------------------------------------- resources --------

enum class Kind { kRoot, kPrincipal, kHome, kCollection, kItem };

struct Resource {
  Kind kind = Kind::kRoot;
  Coll coll = Coll::kCalendar;
  std::string href;
  DavItem* item = nullptr;
};

std::string ListPrivileges() {
  return "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege>"
         "<d:privilege><d:write-content/></d:privilege><d:privilege><d:bind/></d:privilege>"
         "<d:privilege><d:unbind/></d:privilege><d:privilege><d:read-current-user-privilege-set/></d:privilege>";
}

// A collection's change tag: its size and newest change.
std::string CollectionTag(const Ctx& x, Coll coll, const std::vector<DavItem>& items) {
  std::string newest;
  for (const auto& it : items) newest = std::max(newest, ValueToString(it.rec.Get(x.Def(coll), "updated_at")));
  return Sha256Hex(std::to_string(items.size()) + "|" + newest).substr(0, 24);
}

// ------------------------------------------------ sync-collection ---------
// RFC 6578. A collection's state is its members as sorted "href-name<TAB>etag"
// lines (the name percent-encoded as in hrefs); its sync-token is a hash of that state. Handing a token out stores the
// state (dav_sync_states), so a later sync-collection REPORT diffs the state
// then against now: new or changed members (etag differs) and members that
// left (deleted, given to someone else, no longer a calendar item) — whatever
// the reason, without a change log. Unknown or pruned tokens get 403
// DAV:valid-sync-token and the client starts again from an empty token.

constexpr const char* kSyncTokenPrefix = "https://rapport.invalid/ns/sync/";
constexpr int kSyncStatesKept = 100;        // per user and collection, newest first
constexpr int kSyncStateMaxAgeDays = 30;    // older tokens sync from scratch

std::string SyncState(const std::vector<DavItem>& items) {
  std::vector<std::string> lines;
  lines.reserve(items.size());
  for (const auto& it : items) lines.push_back(PctEncode(it.name) + "\t" + std::to_string(it.version));  // no tab or newline
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string SyncToken(Coll coll, const std::string& state) {
  return kSyncTokenPrefix + Sha256Hex(std::string(ObjectName(coll)) + "\n" + state).substr(0, 32);
}

// name -> etag version of a stored state.
std::unordered_map<std::string, int64_t> ParseSyncState(const std::string& state) {
  std::unordered_map<std::string, int64_t> out;
  std::istringstream in(state);
  for (std::string line; std::getline(in, line);) {
    size_t tab = line.rfind('\t');
    if (tab == std::string::npos) continue;
    out[line.substr(0, tab)] = std::strtoll(line.c_str() + tab + 1, nullptr, 10);
  }
  return out;
}

// Stores the states of x.sync_states (ends the caller's read transaction
// first: one short write transaction), and prunes old ones.
Status SaveSyncStates(Conn* c, const Ctx& x) {
  if (x.sync_states.empty()) return Status::Ok();
  if (c->InTransaction()) c->Rollback();
  return InTransaction(c, TxMode::kWrite, [&]() -> Status {
    const int64_t now_ms = Clock::Get().NowMillis();
    const std::string now = FormatIsoMillis(now_ms);
    const std::string cutoff = FormatIsoMillis(now_ms - int64_t{kSyncStateMaxAgeDays} * 86400 * 1000);
    for (const auto& [coll, state] : x.sync_states) {
      std::vector<Value> key{Value{x.p.scope.org_id()}, Value{x.p.scope.user_id()}, Value{std::string(ObjectName(coll))}};
      RP_RETURN_IF_ERROR(c->Exec("INSERT INTO dav_sync_states (org_id, user_id, object, token, members, created_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, user_id, object, token) "
                                 "DO UPDATE SET created_at = excluded.created_at",
                                 {key[0], key[1], key[2], Value{SyncToken(coll, state)}, Value{state}, Value{now}})
                             .status());
      // (Whole lists, not copies of `key` grown by emplace_back: GCC 12 warns
      // falsely, -Wstringop-overflow, on a variant emplaced into a copied vector.)
      RP_RETURN_IF_ERROR(c->Exec("DELETE FROM dav_sync_states WHERE org_id = ? AND user_id = ? AND object = ? AND "
                                 "created_at < ?",
                                 {key[0], key[1], key[2], Value{cutoff}})
                             .status());
      std::vector<Value> keep{key[0], key[1], key[2], key[0], key[1], key[2], Value{int64_t{kSyncStatesKept}}};
      RP_RETURN_IF_ERROR(c->Exec("DELETE FROM dav_sync_states WHERE org_id = ? AND user_id = ? AND object = ? AND "
                                 "token NOT IN (SELECT token FROM dav_sync_states WHERE org_id = ? AND user_id = ? AND "
                                 "object = ? ORDER BY created_at DESC LIMIT ?)",
                                 keep)
                             .status());
    }
    return Status::Ok();
  });
}

// The XML of one property of `r`, or nullopt when `r` has no such property.
Result<std::optional<std::string>> PropValue(Conn* c, const Ctx& x, const Resource& r, const PropName& p,
                                              const std::vector<DavItem>* coll_items) {
  const std::string principal = "/dav/principals/" + x.p.scope.user_id() + "/";
  auto el = [&](const std::string& inner) { return std::optional<std::string>(Element(p, inner)); };
  auto href = [](const std::string& h) { return "<d:href>" + XmlEscape(h) + "</d:href>"; };
  bool coll = r.kind == Kind::kCollection;
  if (p.ns == kNsDav) {
    const std::string& n = p.name;
    if (n == "resourcetype") {
      switch (r.kind) {
        case Kind::kRoot:
        case Kind::kHome: return el("<d:collection/>");
        case Kind::kPrincipal: return el("<d:collection/><d:principal/>");
        case Kind::kCollection:
          return el(r.coll == Coll::kCalendar ? "<d:collection/><c:calendar/>" : "<d:collection/><card:addressbook/>");
        case Kind::kItem: return el("");
      }
    }
    if (n == "displayname") {
      if (r.kind == Kind::kPrincipal) return el(XmlEscape(x.p.name.empty() ? x.p.email : x.p.name));
      if (coll) return el(r.coll == Coll::kCalendar ? "Rapport activities" : "Rapport contacts");
      if (r.kind == Kind::kRoot || r.kind == Kind::kHome) return el("Rapport");
      return std::optional<std::string>{};
    }
    if (n == "current-user-principal") return el(href(principal));
    if (n == "principal-URL" && r.kind == Kind::kPrincipal) return el(href(principal));
    if (n == "owner" && (coll || r.kind == Kind::kHome)) return el(href(principal));
    if (n == "current-user-privilege-set") return el(ListPrivileges());
    if (n == "supported-report-set" && coll) {
      std::string rep = r.coll == Coll::kCalendar ? "<c:calendar-multiget/>" : "<card:addressbook-multiget/>";
      std::string q = r.coll == Coll::kCalendar ? "<c:calendar-query/>" : "<card:addressbook-query/>";
      return el("<d:supported-report><d:report>" + rep + "</d:report></d:supported-report><d:supported-report><d:report>" +
                q + "</d:report></d:supported-report><d:supported-report><d:report><d:sync-collection/></d:report>"
                    "</d:supported-report>");
    }
    if (n == "sync-token" && coll && coll_items) {  // RFC 6578 4: asked for by name, never in allprop
      std::string state = SyncState(*coll_items);
      x.sync_states.emplace_back(r.coll, state);
      return el(XmlEscape(SyncToken(r.coll, state)));
    }
    if (n == "getetag" && r.kind == Kind::kItem) return el(XmlEscape(Etag(r.item->version)));
    if (n == "getcontenttype" && r.kind == Kind::kItem) {
      if (r.coll == Coll::kContacts) return el("text/vcard; charset=utf-8");
      bool todo = ValueToString(r.item->rec.Get(x.Def(Coll::kCalendar), "type")) == "task";
      return el(std::string("text/calendar; charset=utf-8; component=") + (todo ? "vtodo" : "vevent"));
    }
    return std::optional<std::string>{};
  }
  if (p.ns == kNsCs && p.name == "getctag" && coll && coll_items)
    return el(XmlEscape("\"" + CollectionTag(x, r.coll, *coll_items) + "\""));
  if (p.ns == kNsCal) {
    const std::string& n = p.name;
    if (n == "calendar-home-set" && r.kind != Kind::kItem && r.kind != Kind::kCollection) return el(href(x.base));
    if (n == "calendar-user-address-set" && r.kind == Kind::kPrincipal) return el(href("mailto:" + x.p.email));
    if (r.kind == Kind::kCollection && r.coll == Coll::kCalendar) {
      if (n == "supported-calendar-component-set") return el("<c:comp name=\"VEVENT\"/><c:comp name=\"VTODO\"/>");
      if (n == "supported-calendar-data") return el("<c:calendar-data content-type=\"text/calendar\" version=\"2.0\"/>");
      if (n == "calendar-description") return el("Meetings, calls, visits and tasks you own in Rapport");
    }
    if (n == "calendar-data" && r.kind == Kind::kItem && r.coll == Coll::kCalendar) {
      RP_ASSIGN_OR_RETURN(std::string text, Render(c, x, r.coll, r.item));
      return el(XmlEscape(text));
    }
    return std::optional<std::string>{};
  }
  if (p.ns == kNsCard) {
    const std::string& n = p.name;
    if (n == "addressbook-home-set" && r.kind != Kind::kItem && r.kind != Kind::kCollection) return el(href(x.base));
    if (r.kind == Kind::kCollection && r.coll == Coll::kContacts) {
      if (n == "supported-address-data") return el("<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>");
      if (n == "addressbook-description") return el("Contacts you own in Rapport");
      if (n == "max-resource-size") return el("1048576");
    }
    if (n == "address-data" && r.kind == Kind::kItem && r.coll == Coll::kContacts) {
      RP_ASSIGN_OR_RETURN(std::string text, Render(c, x, r.coll, r.item));
      return el(XmlEscape(text));
    }
  }
  return std::optional<std::string>{};
}

std::vector<PropName> AllProps(const Resource& r) {
  std::vector<PropName> v = {{kNsDav, "resourcetype"}, {kNsDav, "displayname"}, {kNsDav, "current-user-principal"},
                             {kNsDav, "getetag"},      {kNsDav, "getcontenttype"}};
  if (r.kind == Kind::kCollection) {
    v.push_back({kNsCs, "getctag"});
    v.push_back({kNsDav, "supported-report-set"});
    if (r.coll == Coll::kCalendar) v.push_back({kNsCal, "supported-calendar-component-set"});
    else v.push_back({kNsCard, "supported-address-data"});
  }
  if (r.kind == Kind::kPrincipal || r.kind == Kind::kRoot) {
    v.push_back({kNsCal, "calendar-home-set"});
    v.push_back({kNsCard, "addressbook-home-set"});
  }
  return v;
}

Status Describe(Conn* c, const Ctx& x, const Resource& r, const std::vector<PropName>* asked, bool all,
                const std::vector<DavItem>* coll_items, Multistatus* ms) {
  std::vector<PropName> props = all || !asked ? AllProps(r) : *asked;
  std::vector<std::string> found;
  std::vector<PropName> missing;
  for (const auto& p : props) {
    RP_ASSIGN_OR_RETURN(std::optional<std::string> v, PropValue(c, x, r, p, coll_items));
    if (v) found.push_back(std::move(*v));
    else if (!all) missing.push_back(p);
  }
  ms->Add(r.href, found, missing);
  return Status::Ok();
}

// <prop> children of a PROPFIND or REPORT body.
std::vector<PropName> PropList(const XmlNode* prop) {
  std::vector<PropName> out;
  if (!prop) return out;
  for (const auto& ch : prop->children) out.push_back({ch.ns, ch.name});
  return out;
}

// Resolves a multiget href (absolute URL or path, percent-encoded) to the
// resource name inside collection `coll_href`; "" if it is not in it.
std::string NameInCollection(const std::string& href_in, const std::string& coll_href) {
  std::string h = href_in;
  size_t b = h.find_first_not_of(" \t\r\n"), e = h.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  h = h.substr(b, e - b + 1);
  if (h.rfind("http://", 0) == 0 || h.rfind("https://", 0) == 0) {
    size_t slash = h.find('/', h.find("//") + 2);
    h = slash == std::string::npos ? "/" : h.substr(slash);
  }
  std::string path;
  std::vector<std::pair<std::string, std::string>> q;
  if (!ParseTarget(h, &path, &q)) return {};
  if (path.rfind(coll_href, 0) != 0) return {};
  std::string name = path.substr(coll_href.size());
  if (name.empty() || name.find('/') != std::string::npos) return {};
  return name;
}

// ------------------------------------------------------- handlers ---------

struct Target {
  Kind kind = Kind::kRoot;
  Coll coll = Coll::kCalendar;
  std::string user;  // principal / home owner
  std::string name;  // item name
};

// Parses a /dav/... path. NotFound for paths that are not ours.
Result<Target> ParseDavPath(const std::string& path) {
  std::vector<std::string> seg = PathSegments(path);
  Target t;
  if (seg.empty() || seg[0] != "dav") return Status::NotFound("no DAV resource at " + path);
  if (seg.size() == 1) return t;
  if (seg[1] == "principals" && seg.size() == 3) {
    t.kind = Kind::kPrincipal;
    t.user = seg[2];
    return t;
  }
  if (seg[1] == "home" && seg.size() >= 3 && seg.size() <= 5) {
    t.user = seg[2];
    if (seg.size() == 3) {
      t.kind = Kind::kHome;
      return t;
    }
    if (seg[3] == "calendar") t.coll = Coll::kCalendar;
    else if (seg[3] == "contacts") t.coll = Coll::kContacts;
    else return Status::NotFound("no DAV resource at " + path);
    t.kind = seg.size() == 4 ? Kind::kCollection : Kind::kItem;
    if (seg.size() == 5) {
      t.name = seg[4];
      if (t.name.size() > 255) return Status::NotFound("resource name too long");
    }
    return t;
  }
  return Status::NotFound("no DAV resource at " + path);
}

Result<Principal> AuthenticateDav(const HttpRequest& req, Conn* c) {
  const std::string& authz = req.Header("authorization");
  if (authz.empty()) return Status::Unauthenticated("sign in with your email and an API token (rapport token create)");
  if (authz.rfind("Bearer ", 0) == 0) return Auth::AuthenticateToken(c, authz.substr(7));
  if (authz.size() < 6 || Lower(authz.substr(0, 6)) != "basic ")
    return Status::Unauthenticated("Authorization must be Basic (email and API token) or Bearer");
  std::string enc = authz.substr(6);
  while (!enc.empty() && enc.front() == ' ') enc.erase(0, 1);
  if (enc.size() > 2048) return Status::Unauthenticated("Authorization header is too long");
  std::string dec(enc.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(dec.data()), dec.size(), enc.c_str(), enc.size(), nullptr, &n,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return Status::Unauthenticated("malformed Basic credentials");
  dec.resize(n);
  size_t colon = dec.find(':');
  if (colon == std::string::npos) return Status::Unauthenticated("malformed Basic credentials");
  std::string user = Lower(dec.substr(0, colon)), password = dec.substr(colon + 1);
  if (password.rfind("rpt_", 0) != 0)
    return Status::Unauthenticated("use an API token as the password (rapport token create), not your sign-in password");
  RP_ASSIGN_OR_RETURN(Principal p, Auth::AuthenticateToken(c, password));
  if (Lower(p.email) != user) return Status::Unauthenticated("the user name is not the token's user");
  return p;
}

HttpResponse Options() {
  HttpResponse r = TextResponse(200, "");
  r.headers.emplace_back("DAV", "1, 3, calendar-access, addressbook");
  r.headers.emplace_back("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
  return r;
}

HttpResponse Propfind(Conn* c, const Ctx& x, const Target& t, const HttpRequest& req) {
  std::string depth = req.Header("depth");
  if (!depth.empty() && depth != "0" && depth != "1" && Lower(depth) != "infinity")
    return Api::Error(Status::InvalidArgument("Depth must be 0, 1 or infinity", "Depth"));
  bool deep = depth != "0";  // infinity is answered as 1: the tree is shallow
  bool all = true;
  std::vector<PropName> asked;
  bool body_given = req.body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (body_given) {
    auto doc = ParseXml(req.body);
    if (!doc.ok()) return Api::Error(doc.status());
    if (!doc->Is(kNsDav, "propfind"))
      return Api::Error(Status::InvalidArgument("PROPFIND body must be a DAV: propfind element, not '" + doc->name + "'"));
    if (const XmlNode* prop = doc->Child(kNsDav, "prop")) {
      all = false;
      asked = PropList(prop);
    } else if (!doc->Child(kNsDav, "allprop") && !doc->Child(kNsDav, "propname")) {
      return Api::Error(Status::InvalidArgument("PROPFIND body needs prop, allprop or propname"));
    }
  }
  const std::vector<PropName>* ask = all ? nullptr : &asked;
  Multistatus ms;
  Status st;
  auto describe = [&](const Resource& r, const std::vector<DavItem>* items) {
    if (st.ok()) st = Describe(c, x, r, ask, all, items, &ms);
  };
  switch (t.kind) {
    case Kind::kRoot: {
      describe({Kind::kRoot, Coll::kCalendar, "/dav/", nullptr}, nullptr);
      if (deep) {
        describe({Kind::kPrincipal, Coll::kCalendar, "/dav/principals/" + x.p.scope.user_id() + "/", nullptr}, nullptr);
      }
      break;
    }
    case Kind::kPrincipal: describe({Kind::kPrincipal, Coll::kCalendar, req.path.back() == '/' ? req.path : req.path + "/", nullptr}, nullptr); break;
    case Kind::kHome: {
      describe({Kind::kHome, Coll::kCalendar, x.base, nullptr}, nullptr);
      if (deep) {
        for (Coll cl : {Coll::kCalendar, Coll::kContacts}) {
          auto items = ListItems(c, x, cl);
          if (!items.ok()) return Api::Error(items.status());
          describe({Kind::kCollection, cl, x.CollHref(cl), nullptr}, &*items);
        }
      }
      break;
    }
    case Kind::kCollection: {
      auto items = ListItems(c, x, t.coll);
      if (!items.ok()) return Api::Error(items.status());
      describe({Kind::kCollection, t.coll, x.CollHref(t.coll), nullptr}, &*items);
      if (deep) {
        for (auto& it : *items) describe({Kind::kItem, t.coll, x.CollHref(t.coll) + PctEncode(it.name), &it}, nullptr);
      }
      break;
    }
    case Kind::kItem: {
      auto it = FindItem(c, x, t.coll, t.name);
      if (!it.ok()) return Api::Error(it.status());
      if (!*it) return Api::Error(Status::NotFound("no resource " + t.name + " in your " + (t.coll == Coll::kCalendar ? "calendar" : "address book")));
      describe({Kind::kItem, t.coll, x.CollHref(t.coll) + PctEncode((*it)->name), &**it}, nullptr);
      break;
    }
  }
  if (!st.ok()) return Api::Error(st);
  st = SaveSyncStates(c, x);  // the sync-tokens this answer handed out
  if (!st.ok()) return Api::Error(st);
  return ms.Finish();
}

// Extracts comp-filter names (attributes are not kept by the XML tree, so
// REPORT reads them again with a tiny attribute-aware pass).
struct CompFilterNames {
  std::vector<std::string> names;  // VCALENDAR's children
  std::string start, end;          // time-range (UTC), if any
};
void XMLCALL OnFilterStart(void* ud, const XML_Char* name, const XML_Char** attrs) {
  auto* f = static_cast<std::pair<CompFilterNames*, int>*>(ud);
  std::string n(name);
  f->second++;
  if (n == std::string(kNsCal) + "\ncomp-filter") {
    for (int i = 0; attrs[i]; i += 2) {
      if (std::string(attrs[i]) == "name" && std::string(attrs[i + 1]) != "VCALENDAR") f->first->names.push_back(attrs[i + 1]);
    }
  } else if (n == std::string(kNsCal) + "\ntime-range") {
    for (int i = 0; attrs[i]; i += 2) {
      if (std::string(attrs[i]) == "start") f->first->start = attrs[i + 1];
      if (std::string(attrs[i]) == "end") f->first->end = attrs[i + 1];
    }
  }
}
void XMLCALL OnFilterEnd(void* ud, const XML_Char*) { static_cast<std::pair<CompFilterNames*, int>*>(ud)->second--; }

CompFilterNames ReadCompFilters(const std::string& body) {
  CompFilterNames out;
  std::pair<CompFilterNames*, int> ud{&out, 0};
  XML_Parser p = XML_ParserCreateNS(nullptr, '\n');
  if (!p) return out;
  XML_SetUserData(p, &ud);
  XML_SetElementHandler(p, OnFilterStart, OnFilterEnd);
  XML_Parse(p, body.data(), static_cast<int>(body.size()), XML_TRUE);
  XML_ParserFree(p);
  return out;
}

bool ParseUtcStamp(const std::string& s, int64_t* ms) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  std::string iso = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(9, 2) + ":" +
                    s.substr(11, 2) + ":" + s.substr(13, 2) + "Z";
  return ParseDateTime(iso, ms);
}

// The sync-collection REPORT (RFC 6578 3.2): with an empty sync-token every
// member; with a token from an earlier answer, the members added or changed
// since (with the asked properties) and those gone (404), then the new token.
HttpResponse SyncCollection(Conn* c, const Ctx& x, const Target& t, const XmlNode& doc) {
  auto trimmed = [](const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  const XmlNode* level = doc.Child(kNsDav, "sync-level");
  std::string lv = level ? trimmed(level->text) : "1";  // optional here: older iOS clients omit it
  if (lv != "1" && lv != "infinite")  // infinite equals 1 here: the collections hold no collections
    return Api::Error(Status::InvalidArgument("sync-level must be 1 or infinite", "sync-level"));
  const XmlNode* token_el = doc.Child(kNsDav, "sync-token");
  if (!token_el)  // RFC 6578 6.1: required, empty on the first sync
    return Api::Error(Status::InvalidArgument("sync-collection needs a sync-token element (empty for a first sync)",
                                              "sync-token"));
  std::string token = trimmed(token_el->text);
  int64_t limit = -1;
  if (const XmlNode* lim = doc.Child(kNsDav, "limit")) {
    const XmlNode* n = lim->Child(kNsDav, "nresults");
    std::string v = n ? trimmed(n->text) : "";
    char* end = nullptr;
    limit = v.empty() ? -1 : std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end || limit < 1 || v.size() > 9)
      return Api::Error(Status::InvalidArgument("limit: nresults must be a positive integer", "nresults"));
  }
  const XmlNode* prop = doc.Child(kNsDav, "prop");
  std::vector<PropName> asked = PropList(prop);
  if (!prop) asked = {{kNsDav, "getetag"}};

  std::unordered_map<std::string, int64_t> before;
  if (!token.empty()) {
    auto unknown = [&] {
      return DavError(403, "<d:valid-sync-token/>",
                      "unknown or expired sync-token; sync again with an empty sync-token");
    };
    if (token.rfind(kSyncTokenPrefix, 0) != 0 || token.size() > 200) return unknown();
    auto row = c->Query("SELECT members FROM dav_sync_states WHERE org_id = ? AND user_id = ? AND object = ? AND token = ?",
                        {Value{x.p.scope.org_id()}, Value{x.p.scope.user_id()}, Value{std::string(ObjectName(t.coll))},
                         Value{token}});
    if (!row.ok()) return Api::Error(row.status());
    if (row->empty()) return unknown();
    before = ParseSyncState(ValueToString(row->rows[0][0]));
  }
  auto items = ListItems(c, x, t.coll);
  if (!items.ok()) return Api::Error(items.status());
  std::vector<DavItem*> changed;
  std::unordered_map<std::string, bool> present;
  for (auto& it : *items) {
    std::string key = PctEncode(it.name);
    present[key] = true;
    auto was = before.find(key);
    if (token.empty() || was == before.end() || was->second != it.version) changed.push_back(&it);
  }
  std::vector<std::string> gone;
  for (const auto& [name, version] : before) {
    if (!present.count(name)) gone.push_back(name);
  }
  std::sort(gone.begin(), gone.end());
  if (limit > 0 && static_cast<int64_t>(changed.size() + gone.size()) > limit)
    return DavError(507, "<d:number-of-matches-within-limits/>",
                    std::to_string(changed.size() + gone.size()) + " changes exceed the limit of " + std::to_string(limit));
  const std::string coll_href = x.CollHref(t.coll);
  Multistatus ms;
  for (DavItem* it : changed) {
    Status st = Describe(c, x, {Kind::kItem, t.coll, coll_href + PctEncode(it->name), it}, &asked, false, nullptr, &ms);
    if (!st.ok()) return Api::Error(st);
  }
  for (const auto& name : gone) ms.AddStatus(coll_href + name, 404);  // stored encoded
  std::string state = SyncState(*items);
  x.sync_states.emplace_back(t.coll, state);
  ms.SetSyncToken(SyncToken(t.coll, state));
  Status saved = SaveSyncStates(c, x);
  if (!saved.ok()) return Api::Error(saved);
  spdlog::debug("dav: sync-collection {} for {}: {} changed, {} gone", ObjectName(t.coll), x.p.email, changed.size(),
                gone.size());
  return ms.Finish();
}

HttpResponse Report(Conn* c, const Ctx& x, const Target& t, const HttpRequest& req) {
  auto doc = ParseXml(req.body);
  if (!doc.ok()) return Api::Error(doc.status());
  if (t.kind != Kind::kCollection)
    return DavError(403, "<d:supported-report/>", "REPORT is answered on a calendar or address book collection");
  bool cal = t.coll == Coll::kCalendar;
  if (doc->Is(kNsDav, "sync-collection")) return SyncCollection(c, x, t, *doc);
  bool multiget = cal ? doc->Is(kNsCal, "calendar-multiget") : doc->Is(kNsCard, "addressbook-multiget");
  bool query = cal ? doc->Is(kNsCal, "calendar-query") : doc->Is(kNsCard, "addressbook-query");
  if (!multiget && !query)
    return DavError(403, "<d:supported-report/>",
                    "unsupported REPORT '" + doc->name + "' here (" +
                        (cal ? "calendar-multiget, calendar-query" : "addressbook-multiget, addressbook-query") +
                        ", sync-collection)");
  const XmlNode* prop = doc->Child(kNsDav, "prop");
  std::vector<PropName> asked = PropList(prop);
  bool all = !prop;
  if (all) asked = {{kNsDav, "getetag"}, {cal ? kNsCal : kNsCard, cal ? "calendar-data" : "address-data"}};
  Multistatus ms;
  const std::string coll_href = x.CollHref(t.coll);
  if (multiget) {
    for (const auto& ch : doc->children) {
      if (!ch.Is(kNsDav, "href")) continue;
      std::string name = NameInCollection(ch.text, coll_href);
      if (name.empty()) {
        ms.AddStatus(ch.text, 404);
        continue;
      }
      auto it = FindItem(c, x, t.coll, name);
      if (!it.ok()) return Api::Error(it.status());
      if (!*it) {
        ms.AddStatus(coll_href + PctEncode(name), 404);
        continue;
      }
      Status st = Describe(c, x, {Kind::kItem, t.coll, coll_href + PctEncode((*it)->name), &**it}, &asked, false,
                           nullptr, &ms);
      if (!st.ok()) return Api::Error(st);
    }
    return ms.Finish();
  }
  auto items = ListItems(c, x, t.coll);
  if (!items.ok()) return Api::Error(items.status());
  CompFilterNames f = cal ? ReadCompFilters(req.body) : CompFilterNames{};
  int64_t from = 0, to = 0;
  bool range = ParseUtcStamp(f.start, &from) | ParseUtcStamp(f.end, &to);
  if (f.start.empty()) from = INT64_MIN;
  if (f.end.empty()) to = INT64_MAX;
  for (auto& it : *items) {
    if (cal) {
      ICalItem ci = ActivityToICal(x.Def(Coll::kCalendar), it.rec, it.uid);
      bool todo = ci.kind == ICalItem::Kind::kTodo;
      bool comp_ok = f.names.empty();
      for (const auto& n : f.names) comp_ok = comp_ok || (n == "VTODO" && todo) || (n == "VEVENT" && !todo);
      if (!comp_ok) continue;
      // time-range (RFC 4791 9.9): events overlap it; to-dos without a due date always match.
      if (range && ci.has_start) {
        int64_t s = ci.start_ms, e = todo ? ci.start_ms : ci.end_ms;
        if (!(s < to && (e > from || (e == s && s >= from)))) continue;
      }
    }
    Status st = Describe(c, x, {Kind::kItem, t.coll, coll_href + PctEncode(it.name), &it}, &asked, false, nullptr, &ms);
    if (!st.ok()) return Api::Error(st);
  }
  return ms.Finish();
}

HttpResponse GetItem(Conn* c, const Ctx& x, const Target& t, bool head) {
  if (t.kind == Kind::kCollection && t.coll == Coll::kCalendar) {
    // The whole calendar in one object (handy for a browser or a quick check).
    auto items = ListItems(c, x, t.coll);
    if (!items.ok()) return Api::Error(items.status());
    std::vector<ICalItem> all;
    for (auto& it : *items) all.push_back(ActivityToICal(x.Def(t.coll), it.rec, it.uid));
    HttpResponse r = TextResponse(200, head ? "" : WriteICalendar(all), ContentType(t.coll));
    return r;
  }
  if (t.kind != Kind::kItem)
    return TextResponse(200, head ? "" : "Rapport CalDAV/CardDAV: point your client at /dav/\n");
  auto it = FindItem(c, x, t.coll, t.name);
  if (!it.ok()) return Api::Error(it.status());
  if (!*it) return Api::Error(Status::NotFound("no resource " + t.name));
  auto text = Render(c, x, t.coll, &**it);
  if (!text.ok()) return Api::Error(text.status());
  HttpResponse r = TextResponse(200, head ? "" : *text, ContentType(t.coll));
  r.headers.emplace_back("ETag", Etag((*it)->version));
  return r;
}

HttpResponse PutItem(Conn* c, const Ctx& x, const Target& t, const HttpRequest& req) {
  if (t.kind != Kind::kItem)
    return DavError(403, "", "PUT needs a resource inside your calendar or address book, e.g. " + x.CollHref(Coll::kContacts) +
                                 "new.vcf");
  const std::string ct = Lower(req.Header("content-type"));
  bool cal = t.coll == Coll::kCalendar;
  if (!ct.empty()) {
    bool ok = cal ? ct.rfind("text/calendar", 0) == 0
                  : (ct.rfind("text/vcard", 0) == 0 || ct.rfind("text/x-vcard", 0) == 0 || ct.rfind("text/directory", 0) == 0);
    if (!ok) {
      HttpResponse r = Api::Error(Status::InvalidArgument(std::string("Content-Type must be ") +
                                                          (cal ? "text/calendar" : "text/vcard") + ", not " + ct));
      r.status = 415;
      return r;
    }
  }
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return Api::Error(Status::InvalidArgument(std::string("empty body: send one ") + (cal ? "iCalendar object" : "vCard")));
  auto existing = FindItem(c, x, t.coll, t.name);
  if (!existing.ok()) return Api::Error(existing.status());
  auto if_match = ParseEtags(req.Header("if-match"));
  auto if_none = ParseEtags(req.Header("if-none-match"));
  const DavItem* cur = *existing ? &**existing : nullptr;
  if (if_none && cur && if_none->Matches(cur->version))
    return Api::Error(Status::PreconditionFailed(t.name + " already exists (version " + std::to_string(cur->version) +
                                                 "); fetch it before changing it"));
  if (if_match && !cur)
    return Api::Error(Status::PreconditionFailed(t.name + " does not exist (any more)"));
  std::optional<int64_t> expected;
  if (if_match && cur) {
    if (!if_match->Matches(cur->version))
      return Api::Error(Status::PreconditionFailed(t.name + " was changed by someone else (now version " +
                                                   std::to_string(cur->version) + "); sync again"));
    expected = cur->version;
  }
  const ObjectDef& d = x.Def(t.coll);
  Result<Parsed> parsed = cal ? ParseCalendarUpload(req.body, d, cur ? &cur->rec : nullptr)
                              : ParseContactUpload(c, x, req.body);
  if (!parsed.ok()) return Api::Error(parsed.status());
  auto taken = UidTaken(c, x, t.coll, parsed->uid, cur ? cur->id : "");
  if (!taken.ok()) return Api::Error(taken.status());
  if (*taken)
    return DavError(409, cal ? "<c:no-uid-conflict/>" : "<card:no-uid-conflict/>",
                    "another resource of this collection already has UID " + parsed->uid);
  Record rec;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    if (cur) {
      RP_ASSIGN_OR_RETURN(rec, RecordService::Update(c, x.p.scope, *x.cat, d, cur->id, parsed->body, expected));
    } else {
      RP_ASSIGN_OR_RETURN(rec, RecordService::Create(c, x.p.scope, *x.cat, d, parsed->body));
    }
    std::string id = ValueToString(rec.Get(d, "id"));
    auto del = c->Exec("DELETE FROM dav_resources WHERE org_id = ? AND object = ? AND record_id = ?",
                       {Value{x.p.scope.org_id()}, Value{std::string(ObjectName(t.coll))}, Value{id}});
    if (!del.ok()) return del.status();
    auto ins = c->Exec("INSERT INTO dav_resources (org_id, object, record_id, href, uid, raw, raw_version, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       {Value{x.p.scope.org_id()}, Value{std::string(ObjectName(t.coll))}, Value{id}, Value{t.name},
                        Value{parsed->uid}, Value{req.body}, Value{rec.version(d)}, Value{NowIso()}});
    return ins.ok() ? Status::Ok() : ins.status();
  });
  if (!st.ok()) return Api::Error(st);
  spdlog::info("dav: {} {} {} {} (version {})", x.p.email, cur ? "updated" : "created", ObjectName(t.coll),
               ValueToString(rec.Get(d, "id")), rec.version(d));
  HttpResponse r = TextResponse(cur ? 204 : 201, "");
  // The stored representation is the uploaded text (served back verbatim
  // until the record changes), so the validator may be sent (RFC 7231 4.3.4).
  r.headers.emplace_back("ETag", Etag(rec.version(d)));
  if (!cur) r.headers.emplace_back("Location", x.CollHref(t.coll) + PctEncode(t.name));
  return r;
}

HttpResponse DeleteItem(Conn* c, const Ctx& x, const Target& t, const HttpRequest& req) {
  if (t.kind != Kind::kItem) return DavError(403, "", "collections cannot be deleted");
  auto existing = FindItem(c, x, t.coll, t.name);
  if (!existing.ok()) return Api::Error(existing.status());
  if (!*existing) return Api::Error(Status::NotFound("no resource " + t.name));
  const DavItem& cur = **existing;
  std::optional<int64_t> expected;
  if (auto m = ParseEtags(req.Header("if-match"))) {
    if (!m->Matches(cur.version))
      return Api::Error(Status::PreconditionFailed(t.name + " was changed by someone else (now version " +
                                                   std::to_string(cur.version) + "); sync again"));
    expected = cur.version;
  }
  auto r = RecordService::Delete(c, x.p.scope, *x.cat, x.Def(t.coll), cur.id, expected);
  if (!r.ok()) return Api::Error(r.status());
  spdlog::info("dav: {} deleted {} {}", x.p.email, ObjectName(t.coll), cur.id);
  return TextResponse(204, "");
}

// ------------------------------------------------------------ feed --------

HttpResponse Feed(Conn* c, CatalogCache* catalogs, const std::string& file) {
  const std::string ext = ".ics";
  if (file.size() <= ext.size() || file.compare(file.size() - ext.size(), ext.size(), ext) != 0 || file.size() > 200)
    return Api::Error(Status::NotFound("no such calendar feed"));
  std::string secret = file.substr(0, file.size() - ext.size());
  auto rows = c->Query("SELECT f.org_id, f.user_id, u.role, u.team_id, u.active, u.name, u.email, o.meta_version "
                       "FROM ical_feeds f JOIN users u ON u.org_id = f.org_id AND u.id = f.user_id AND u.deleted_at IS NULL "
                       "JOIN organisations o ON o.id = f.org_id WHERE f.secret_hash = ?",
                       {Value{Sha256Hex(secret)}});
  if (!rows.ok()) return Api::Error(rows.status());
  if (rows->empty()) return Api::Error(Status::NotFound("no such calendar feed (revoked or replaced?)"));
  const auto& row = rows->rows[0];
  if (auto* a = std::get_if<int64_t>(&row[4]); a && *a == 0) return Api::Error(Status::NotFound("no such calendar feed"));
  Ctx x;
  Role role = Role::kRep;
  ParseRole(ValueToString(row[2]), &role);
  std::vector<std::string> teams;
  if (!IsNull(row[3])) teams.push_back(ValueToString(row[3]));
  x.p.scope = TenantScope::Make(ValueToString(row[0]), ValueToString(row[1]), role, teams);
  x.p.name = ValueToString(row[5]);
  x.p.email = ValueToString(row[6]);
  auto cat = catalogs->Get(c, x.p.scope.org_id(), std::get<int64_t>(row[7]));
  if (!cat.ok()) return Api::Error(cat.status());
  x.cat = *cat;
  x.activities = x.cat->Find("activities");
  x.contacts = x.cat->Find("contacts");
  auto items = ListItems(c, x, Coll::kCalendar);
  if (!items.ok()) return Api::Error(items.status());
  std::vector<ICalItem> out;
  for (auto& it : *items) out.push_back(ActivityToICal(*x.activities, it.rec, it.id));
  HttpResponse r = TextResponse(200, WriteICalendar(out, "Rapport: " + (x.p.name.empty() ? x.p.email : x.p.name)),
                                "text/calendar; charset=utf-8");
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"rapport.ics\"");
  r.headers.emplace_back("Cache-Control", "private, max-age=300");
  return r;
}

}  // namespace

bool IsDavPath(const std::string& path) {
  return path == "/dav" || path.rfind("/dav/", 0) == 0 || path == "/.well-known/caldav" ||
         path == "/.well-known/carddav" || path.rfind("/ical/", 0) == 0;
}

HttpResponse HandleDav(HttpRequest& req, Conn* c, CatalogCache* catalogs) {
  const std::string& m = req.method;
  if (req.path.rfind("/ical/", 0) == 0) {
    if (m != "GET" && m != "HEAD") return Api::Error(Status::NotFound("use GET for a calendar feed"));
    Status b = c->Begin(TxMode::kRead);
    HttpResponse r = Feed(c, catalogs, req.path.substr(6));
    if (b.ok()) c->Rollback();
    if (m == "HEAD") r.body.clear();
    return r;
  }
  if (req.path.rfind("/.well-known/", 0) == 0) {
    HttpResponse r = TextResponse(301, "");
    r.headers.emplace_back("Location", "/dav/");
    return r;
  }
  if (m == "OPTIONS") return Options();
  auto principal = AuthenticateDav(req, c);
  if (!principal.ok()) return Unauthorized(principal.status().message());
  if (m == "PROPPATCH" || m == "MKCOL" || m == "MKCALENDAR" || m == "MOVE" || m == "COPY")
    return DavError(403, "", m + " is not supported: Rapport has one calendar and one address book per user");
  auto target = ParseDavPath(req.path);
  if (!target.ok()) return Api::Error(target.status());
  Ctx x;
  x.p = *principal;
  if (target->kind != Kind::kRoot && target->user != x.p.scope.user_id())
    return Api::Error(Status::PermissionDenied("this is another user's calendar and address book; yours are under /dav/home/" +
                                               x.p.scope.user_id() + "/"));
  auto cat = catalogs->Get(c, x.p.scope.org_id(), x.p.meta_version);
  if (!cat.ok()) return Api::Error(cat.status());
  x.cat = *cat;
  x.activities = x.cat->Find("activities");
  x.contacts = x.cat->Find("contacts");
  x.accounts = x.cat->Find("accounts");
  x.base = "/dav/home/" + x.p.scope.user_id() + "/";
  PhoneRegionScope phone_region(OrgDefaultRegion(c, x.p.scope.org_id()));
  bool read = m == "PROPFIND" || m == "REPORT" || m == "GET" || m == "HEAD";
  if (read) {
    Status b = c->Begin(TxMode::kRead);  // one snapshot; Api::Handle rolls it back
    (void)b;
  }
  if (m == "PROPFIND") return Propfind(c, x, *target, req);
  if (m == "REPORT") return Report(c, x, *target, req);
  if (m == "GET" || m == "HEAD") return GetItem(c, x, *target, m == "HEAD");
  if (m == "PUT") return PutItem(c, x, *target, req);
  if (m == "DELETE") return DeleteItem(c, x, *target, req);
  HttpResponse r = Api::Error(Status::InvalidArgument(m + " is not a DAV method this server answers"));
  r.status = 405;
  r.headers.emplace_back("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
  return r;
}

HttpResponse ICalFeedSecret(const Principal& p, Conn* c, const HttpRequest& req) {
  if (req.method == "DELETE") {
    auto n = c->Exec("DELETE FROM ical_feeds WHERE org_id = ? AND user_id = ?",
                     {Value{p.scope.org_id()}, Value{p.scope.user_id()}});
    if (!n.ok()) return Api::Error(n.status());
    if (*n == 0) return Api::Error(Status::NotFound("you have no calendar feed"));
    spdlog::info("ical: {} revoked their feed", p.email);
    return TextResponse(204, "");
  }
  if (req.method != "POST") return Api::Error(Status::NotFound("use POST (new feed URL) or DELETE (revoke)"));
  std::string secret = RandomToken(32);
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    auto d = c->Exec("DELETE FROM ical_feeds WHERE org_id = ? AND user_id = ?",
                     {Value{p.scope.org_id()}, Value{p.scope.user_id()}});
    if (!d.ok()) return d.status();
    auto i = c->Exec("INSERT INTO ical_feeds (org_id, user_id, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                     {Value{p.scope.org_id()}, Value{p.scope.user_id()}, Value{Sha256Hex(secret)}, Value{NowIso()}});
    return i.ok() ? Status::Ok() : i.status();
  });
  if (!st.ok()) return Api::Error(st);
  std::string path = "/ical/" + secret + ".ics";
  std::string host = req.Header("host");
  std::string proto = req.Header("x-forwarded-proto") == "https" ? "https" : "http";
  json out = {{"path", path}, {"url", host.empty() ? json(nullptr) : json(proto + "://" + host + path)}};
  spdlog::info("ical: {} created a new feed URL", p.email);
  HttpResponse r;
  r.status = 201;
  r.body = out.dump();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace rapport
