#include "io/vcard.h"

#include <unicode/ucnv.h>

#include <algorithm>
#include <cstring>

#include "io/csv.h"
#include "meta/validate.h"

namespace rapport {

namespace {

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IEquals(const std::string& a, const char* b) { return Upper(a) == b; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// QUOTED-PRINTABLE to bytes ("=XX" escapes; soft breaks were removed while unfolding).
std::string DecodeQuotedPrintable(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size()) {
      int h = HexVal(s[i + 1]), l = HexVal(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Bytes in `charset` to UTF-8 with ICU; Windows-1252 fallback for bytes that
// are not UTF-8 when no (or an unknown) charset is named.
std::string ToUtf8(const std::string& bytes, const std::string& charset) {
  std::string cs = Upper(charset);
  if (!cs.empty() && cs != "UTF-8" && cs != "UTF8" && cs != "US-ASCII" && cs != "ASCII") {
    UErrorCode err = U_ZERO_ERROR;
    std::string out(bytes.size() * 4 + 4, '\0');
    int32_t n = ucnv_convert("UTF-8", cs.c_str(), out.data(), static_cast<int32_t>(out.size()), bytes.data(),
                             static_cast<int32_t>(bytes.size()), &err);
    if (U_SUCCESS(err)) {
      out.resize(static_cast<size_t>(n));
      return out;
    }
  }
  if (Utf8Length(bytes) >= 0) return bytes;
  return Windows1252ToUtf8(bytes);
}

// RFC 6868: ^n newline, ^^ caret, ^' double quote (in parameter values).
std::string CaretDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '^' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 'n' || n == 'N') { out.push_back('\n'); ++i; continue; }
      if (n == '^') { out.push_back('^'); ++i; continue; }
      if (n == '\'') { out.push_back('"'); ++i; continue; }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Splits `s` at `sep` outside double quotes.
std::vector<std::string> SplitOutsideQuotes(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  bool q = false;
  for (char c : s) {
    if (c == '"') q = !q;
    if (c == sep && !q) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

bool IsQuotedPrintableLine(const std::string& logical) {
  size_t colon = std::string::npos;
  bool q = false;
  for (size_t i = 0; i < logical.size(); ++i) {
    if (logical[i] == '"') q = !q;
    if (logical[i] == ':' && !q) {
      colon = i;
      break;
    }
  }
  if (colon == std::string::npos) return false;
  return Upper(logical.substr(0, colon)).find("QUOTED-PRINTABLE") != std::string::npos;
}

// Parses one unfolded content line. False if it has no ':'.
bool ParseProperty(const std::string& line, VCardProperty* p) {
  size_t colon = std::string::npos;
  bool q = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') q = !q;
    if (line[i] == ':' && !q) {
      colon = i;
      break;
    }
  }
  if (colon == std::string::npos) return false;
  std::vector<std::string> parts = SplitOutsideQuotes(line.substr(0, colon), ';');
  std::string name = parts[0];
  size_t dot = name.find('.');
  p->group = dot == std::string::npos ? "" : name.substr(0, dot);
  p->name = Upper(dot == std::string::npos ? name : name.substr(dot + 1));
  p->params.clear();
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& prm = parts[i];
    if (prm.empty()) continue;
    size_t eq = prm.find('=');
    if (eq == std::string::npos) {  // vCard 2.1 bare parameter
      std::string v = Upper(prm);
      if (v == "QUOTED-PRINTABLE" || v == "BASE64" || v == "8BIT" || v == "7BIT" || v == "B")
        p->params.emplace("ENCODING", v);
      else
        p->params.emplace("TYPE", v);
      continue;
    }
    std::string key = Upper(prm.substr(0, eq));
    std::string val = prm.substr(eq + 1);
    for (const std::string& one : SplitOutsideQuotes(val, ',')) {
      std::string v = one;
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      v = CaretDecode(v);
      if (key == "TYPE" || key == "ENCODING") v = Upper(v);
      p->params.emplace(key, v);
    }
  }
  std::string raw = line.substr(colon + 1);
  std::string enc;
  auto e = p->params.find("ENCODING");
  if (e != p->params.end()) enc = e->second;
  if (enc == "BASE64" || enc == "B") {
    p->value.clear();  // binary (photos, keys): not imported
    return true;
  }
  if (enc == "QUOTED-PRINTABLE") raw = DecodeQuotedPrintable(raw);
  auto cs = p->params.find("CHARSET");
  p->value = ToUtf8(raw, cs == p->params.end() ? "" : cs->second);
  return true;
}

}  // namespace

bool VCardProperty::HasType(const std::string& type) const {
  auto range = params.equal_range("TYPE");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == type) return true;
  }
  return false;
}

bool VCardProperty::Preferred() const { return HasType("PREF") || params.count("PREF") > 0; }

const VCardProperty* VCard::First(const std::string& name) const {
  for (const auto& p : properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<const VCardProperty*> VCard::All(const std::string& name) const {
  std::vector<const VCardProperty*> out;
  for (const auto& p : properties) {
    if (p.name == name) out.push_back(&p);
  }
  return out;
}

std::string VCardUnescape(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      char n = raw[++i];
      if (n == 'n' || n == 'N') out.push_back('\n');
      else out.push_back(n);  // \, \; \\ and unknown escapes keep the character
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

std::vector<std::string> VCardComponents(const std::string& raw) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      cur.push_back(raw[i]);
      cur.push_back(raw[++i]);
    } else if (raw[i] == ';') {
      out.push_back(VCardUnescape(cur));
      cur.clear();
    } else {
      cur.push_back(raw[i]);
    }
  }
  out.push_back(VCardUnescape(cur));
  return out;
}

VCardReader::VCardReader(std::istream& in, VCardOptions opts) : in_(in), opts_(opts) {}

bool VCardReader::SeekTo(int64_t offset, int64_t line) {
  in_.clear();
  in_.seekg(offset);
  if (!in_) return false;
  offset_ = offset;
  line_ = line - 1;
  has_pending_ = false;
  return true;
}

bool VCardReader::ReadLine(std::string* line, int64_t* start) {
  line->clear();
  std::streambuf* sb = in_.rdbuf();
  *start = offset_;
  int c = sb->sbumpc();
  if (c == EOF) return false;
  for (;;) {
    if (c == EOF) break;
    ++offset_;
    if (c == '\n') break;
    if (c == '\r') {
      if (sb->sgetc() == '\n') {
        sb->sbumpc();
        ++offset_;
      }
      break;
    }
    if (line->size() < opts_.max_card_bytes + 1) line->push_back(static_cast<char>(c));
    c = sb->sbumpc();
  }
  ++line_;
  return true;
}

bool VCardReader::Next(VCard* out, Status* error) {
  *error = Status::Ok();
  out->properties.clear();
  out->version.clear();
  bool in_card = false;
  int depth = 0;
  size_t card_bytes = 0;
  bool too_large = false;
  for (;;) {
    // One logical line: a physical line plus its folded continuations.
    std::string logical;
    int64_t start = 0, start_line = 0;
    if (has_pending_) {
      logical = std::move(pending_);
      start = pending_start_;
      start_line = pending_line_;
      has_pending_ = false;
    } else {
      if (!ReadLine(&logical, &start)) {
        if (in_card) {
          *error = Status::InvalidArgument("line " + std::to_string(out->line) +
                                           ": the card is not closed (no END:VCARD before the end of the file)");
          return true;
        }
        return false;
      }
      start_line = line_;
    }
    std::string next;
    int64_t next_start = 0;
    for (;;) {
      bool qp_soft = !logical.empty() && logical.back() == '=' && IsQuotedPrintableLine(logical);
      if (!ReadLine(&next, &next_start)) break;
      if (!next.empty() && (next[0] == ' ' || next[0] == '\t')) {
        if (logical.size() < opts_.max_card_bytes) logical.append(next, 1, std::string::npos);
      } else if (qp_soft) {
        logical.pop_back();
        if (logical.size() < opts_.max_card_bytes) logical.append(next);
      } else {
        pending_ = std::move(next);
        pending_start_ = next_start;
        pending_line_ = line_;
        has_pending_ = true;
        break;
      }
    }
    // Trailing white space of a line is not data (some exporters pad lines).
    if (logical.empty()) continue;
    VCardProperty p;
    if (!ParseProperty(logical, &p)) continue;  // not a content line: skipped
    if (p.name == "BEGIN" && IEquals(p.value, "VCARD")) {
      if (!in_card) {
        in_card = true;
        out->line = start_line;
        out->offset = start;
      } else {
        ++depth;  // an embedded card (2.1 AGENT): skipped
      }
      continue;
    }
    if (!in_card) continue;
    if (p.name == "END" && IEquals(p.value, "VCARD")) {
      if (depth > 0) {
        --depth;
        continue;
      }
      if (too_large) {
        *error = Status::InvalidArgument("line " + std::to_string(out->line) + ": the card is larger than " +
                                         std::to_string(opts_.max_card_bytes) + " bytes");
        out->properties.clear();
      }
      return true;
    }
    if (depth > 0 || too_large) continue;
    card_bytes += logical.size();
    if (card_bytes > opts_.max_card_bytes) {
      too_large = true;
      out->properties.clear();
      continue;
    }
    if (p.name == "VERSION") out->version = p.value;
    if (p.name == "PHOTO" || p.name == "LOGO" || p.name == "SOUND" || p.name == "KEY") continue;
    out->properties.push_back(std::move(p));
  }
}

const std::vector<std::string> kVCardColumns = {
    "source_ref", "full_name",    "first_name", "last_name", "middle_name", "name_prefix", "name_suffix",
    "company",    "department",   "title",      "email",     "other_emails", "phone",      "mobile",
    "fax",        "other_phones", "street",     "city",      "region",      "postcode",    "country",
    "website",    "description",  "birthday"};

namespace {
enum Col {
  kUid, kFullName, kFirst, kLast, kMiddle, kPrefix, kSuffix, kCompany, kDept, kTitle, kEmail, kOtherEmails,
  kPhone, kMobile, kFax, kOtherPhones, kStreet, kCity, kRegion, kPostcode, kCountry, kWebsite, kNote, kBirthday,
  kNumCols
};

void AppendListed(std::string* list, const std::string& v) { *list += (list->empty() ? "" : "; ") + v; }

std::string Trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string StripScheme(const std::string& v, const char* scheme) {
  std::string lower = v.substr(0, std::min(v.size(), std::strlen(scheme)));
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == scheme ? v.substr(std::strlen(scheme)) : v;
}

// Properties of `name`, preferred ones first, file order otherwise.
std::vector<const VCardProperty*> ByPreference(const VCard& card, const std::string& name) {
  auto all = card.All(name);
  std::stable_sort(all.begin(), all.end(),
                   [](const VCardProperty* a, const VCardProperty* b) { return a->Preferred() && !b->Preferred(); });
  return all;
}
}  // namespace

std::vector<std::string> VCardToRow(const VCard& card) {
  std::vector<std::string> row(kNumCols);
  if (auto* p = card.First("UID")) row[kUid] = Trimmed(VCardUnescape(p->value));
  if (auto* p = card.First("FN")) row[kFullName] = Trimmed(VCardUnescape(p->value));
  if (auto* p = card.First("N")) {
    auto c = VCardComponents(p->value);
    c.resize(5);
    row[kLast] = Trimmed(c[0]);
    row[kFirst] = Trimmed(c[1]);
    row[kMiddle] = Trimmed(c[2]);
    row[kPrefix] = Trimmed(c[3]);
    row[kSuffix] = Trimmed(c[4]);
  }
  if (auto* p = card.First("ORG")) {
    auto c = VCardComponents(p->value);
    row[kCompany] = Trimmed(c[0]);
    if (c.size() > 1) row[kDept] = Trimmed(c[1]);
  }
  // A card for an organisation (vCard 4 KIND:org, Apple's X-ABShowAs:COMPANY)
  // has no person's name.
  bool is_org = false;
  if (auto* p = card.First("KIND")) is_org = IEquals(Trimmed(p->value), "ORG");
  if (auto* p = card.First("X-ABSHOWAS")) is_org = is_org || IEquals(Trimmed(p->value), "COMPANY");
  if (is_org && row[kCompany].empty()) row[kCompany] = row[kFullName];
  if (row[kLast].empty() && row[kFirst].empty() && !row[kFullName].empty() && !is_org) {
    // No N: split the formatted name at its last space.
    const std::string& fn = row[kFullName];
    size_t sp = fn.rfind(' ');
    if (sp == std::string::npos) {
      row[kLast] = fn;
    } else {
      row[kFirst] = Trimmed(fn.substr(0, sp));
      row[kLast] = Trimmed(fn.substr(sp + 1));
    }
  }
  if (auto* p = card.First("TITLE")) row[kTitle] = Trimmed(VCardUnescape(p->value));
  // The preferred e-mail, then the others listed; phones by type, the rest listed.
  for (const VCardProperty* p : ByPreference(card, "EMAIL")) {
    std::string v = Trimmed(StripScheme(VCardUnescape(p->value), "mailto:"));
    if (v.empty()) continue;
    if (row[kEmail].empty()) row[kEmail] = v;
    else AppendListed(&row[kOtherEmails], v);
  }
  for (const VCardProperty* p : ByPreference(card, "TEL")) {
    std::string v = Trimmed(StripScheme(VCardUnescape(p->value), "tel:"));
    if (v.empty()) continue;
    bool fax = p->HasType("FAX") && !p->HasType("VOICE");
    if (p->HasType("CELL") && row[kMobile].empty()) row[kMobile] = v;
    else if (fax && row[kFax].empty()) row[kFax] = v;
    else if (!fax && !p->HasType("CELL") && row[kPhone].empty()) row[kPhone] = v;
    else AppendListed(&row[kOtherPhones], v);
  }
  auto adrs = ByPreference(card, "ADR");
  if (!adrs.empty()) {
    auto c = VCardComponents(adrs[0]->value);
    c.resize(7);
    std::string street = Trimmed(c[2]);
    if (!Trimmed(c[1]).empty()) street += (street.empty() ? "" : ", ") + Trimmed(c[1]);
    if (!Trimmed(c[0]).empty()) street += (street.empty() ? "" : ", ") + Trimmed(c[0]);
    // Multi-line streets become one line (the street field is single-line).
    for (auto& ch : street) {
      if (ch == '\n' || ch == '\r') ch = ' ';
    }
    row[kStreet] = street;
    row[kCity] = Trimmed(c[3]);
    row[kRegion] = Trimmed(c[4]);
    row[kPostcode] = Trimmed(c[5]);
    row[kCountry] = Trimmed(c[6]);
  }
  if (auto* p = card.First("URL")) row[kWebsite] = Trimmed(VCardUnescape(p->value));
  if (auto* p = card.First("NOTE")) row[kNote] = Trimmed(VCardUnescape(p->value));
  if (auto* p = card.First("BDAY")) row[kBirthday] = Trimmed(p->value);
  return row;
}

namespace {
std::string EscapeText(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ',' || c == ';') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      continue;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Appends `line` folded at 75 octets (continuations start with a space),
// never splitting a UTF-8 sequence, then CRLF.
void AppendFolded(std::string* out, const std::string& line) {
  size_t pos = 0, width = 75;
  while (line.size() - pos > width) {
    size_t cut = pos + width;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out->append(line, pos, cut - pos);
    out->append("\r\n ");
    pos = cut;
    width = 74;  // the leading space counts
  }
  out->append(line, pos, std::string::npos);
  out->append("\r\n");
}
}  // namespace

std::string WriteVCard(const VCardContact& c) {
  std::string out = "BEGIN:VCARD\r\nVERSION:3.0\r\n";
  std::string fn = c.first_name.empty() ? c.last_name : c.first_name + (c.last_name.empty() ? "" : " " + c.last_name);
  if (fn.empty()) fn = c.organisation.empty() ? c.email : c.organisation;
  AppendFolded(&out, "N:" + EscapeText(c.last_name) + ";" + EscapeText(c.first_name) + ";;;");
  AppendFolded(&out, "FN:" + EscapeText(fn));
  if (!c.organisation.empty()) AppendFolded(&out, "ORG:" + EscapeText(c.organisation));
  if (!c.title.empty()) AppendFolded(&out, "TITLE:" + EscapeText(c.title));
  if (!c.email.empty()) AppendFolded(&out, "EMAIL;TYPE=INTERNET,PREF:" + EscapeText(c.email));
  if (!c.phone.empty()) AppendFolded(&out, "TEL;TYPE=WORK,VOICE:" + EscapeText(c.phone));
  if (!c.mobile.empty()) AppendFolded(&out, "TEL;TYPE=CELL:" + EscapeText(c.mobile));
  if (!c.street.empty() || !c.city.empty() || !c.postcode.empty() || !c.country.empty()) {
    AppendFolded(&out, "ADR;TYPE=WORK:;;" + EscapeText(c.street) + ";" + EscapeText(c.city) + ";;" +
                           EscapeText(c.postcode) + ";" + EscapeText(c.country));
  }
  if (!c.note.empty()) AppendFolded(&out, "NOTE:" + EscapeText(c.note));
  if (!c.uid.empty()) AppendFolded(&out, "UID:" + EscapeText(c.uid));
  if (!c.revision.empty()) AppendFolded(&out, "REV:" + c.revision);
  out += "END:VCARD\r\n";
  return out;
}

}  // namespace rapport
