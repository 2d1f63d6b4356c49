#include "domain/leads.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace rapport {

namespace {

struct Move {
  const char* from;
  std::vector<std::string> to;
};

// The allowed moves (see leads.h). Anything not listed is refused.
const std::vector<Move>& Moves() {
  static const std::vector<Move> kMoves = {
      {"unconfirmed", {"new", "disqualified"}},
      {"new", {"working", "qualified", "disqualified"}},
      {"working", {"qualified", "disqualified", "nurturing"}},
      {"qualified", {"working", "disqualified", "nurturing"}},
      {"nurturing", {"working", "qualified", "disqualified"}},
      {"disqualified", {"working"}},
      {"converted", {}},
  };
  return kMoves;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

}  // namespace

const std::vector<std::string>& LeadStatuses() {
  static const std::vector<std::string> kAll = {"unconfirmed", "new",          "working",  "qualified",
                                                "nurturing",   "disqualified", "converted"};
  return kAll;
}

std::vector<std::string> AllowedLeadTransitions(const std::string& from) {
  const std::string f = from.empty() ? "new" : from;
  for (const auto& m : Moves()) {
    if (f == m.from) return m.to;
  }
  return {};
}

Status ValidateLeadTransition(const LeadStatusChange& ch) {
  const std::string from = ch.from.empty() ? "new" : ch.from;
  const std::string to = ch.to.empty() ? "new" : ch.to;
  const auto& all = LeadStatuses();
  if (std::find(all.begin(), all.end(), to) == all.end())
    return Status::Unprocessable("status: '" + to + "' is not a lead status (" + Join(all) + ")", "status");
  if (from != to) {
    if (to == "converted")
      return Status::Unprocessable("status: a lead becomes converted only by converting it "
                                   "(POST /api/v1/leads/{id}/convert)",
                                   "status");
    if (from == "converted")
      return Status::Unprocessable("status: a converted lead keeps its status; work with the contact, account "
                                   "and opportunity it became",
                                   "status");
    if (to == "unconfirmed")
      return Status::Unprocessable("status: only a web form with double opt-in makes a lead unconfirmed", "status");
    std::vector<std::string> allowed = AllowedLeadTransitions(from);
    if (std::find(allowed.begin(), allowed.end(), to) == allowed.end())
      return Status::Unprocessable("status: a lead cannot move from " + from + " to " + to +
                                       (allowed.empty() ? std::string() : "; from " + from + " it may go to " + Join(allowed)),
                                   "status");
  }
  if (to == "disqualified") {
    if (IsBlank(ch.disqualified_reason))
      return Status::Unprocessable("disqualified_reason: disqualifying a lead needs a reason", "disqualified_reason");
    if (ch.disqualified_reason == "other" && IsBlank(ch.disqualified_reason_text))
      return Status::Unprocessable("disqualified_reason_text: say why when the reason is 'other'",
                                   "disqualified_reason_text");
  }
  return Status::Ok();
}

Status CheckLeadConvertible(const std::string& status) {
  if (status == "converted") return Status::Conflict("status: the lead is already converted", "status");
  if (status == "disqualified")
    return Status::Unprocessable("status: a disqualified lead cannot be converted; reopen it (status working) first",
                                 "status");
  if (status == "unconfirmed")
    return Status::Unprocessable("status: the lead has not confirmed its e-mail address yet (double opt-in)", "status");
  return Status::Ok();
}

std::string EmailDomain(const std::string& email) {
  size_t at = email.rfind('@');
  if (at == std::string::npos || at + 1 >= email.size()) return {};
  std::string d = email.substr(at + 1);
  for (auto& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!d.empty() && (d.back() == '.' || std::isspace(static_cast<unsigned char>(d.back())))) d.pop_back();
  return d;
}

bool IsFreeMailDomain(const std::string& domain) {
  static const std::set<std::string> kFree = {
      "gmail.com",      "googlemail.com", "yahoo.com",    "yahoo.co.uk",  "yahoo.fr",     "yahoo.de",
      "ymail.com",      "hotmail.com",    "hotmail.co.uk", "hotmail.fr",  "hotmail.de",   "outlook.com",
      "outlook.de",     "live.com",       "live.co.uk",   "msn.com",      "aol.com",      "icloud.com",
      "me.com",         "mac.com",        "proton.me",    "protonmail.com", "pm.me",      "gmx.de",
      "gmx.net",        "gmx.com",        "gmx.at",       "gmx.ch",       "web.de",       "t-online.de",
      "freenet.de",     "mail.com",       "mail.ru",      "yandex.ru",    "yandex.com",   "zoho.com",
      "fastmail.com",   "tutanota.com",   "orange.fr",    "wanadoo.fr",   "free.fr",      "laposte.net",
      "sfr.fr",         "libero.it",      "virgilio.it",  "btinternet.com", "qq.com",     "163.com",
      "126.com",        "naver.com",      "rediffmail.com", "seznam.cz",  "wp.pl",        "o2.pl",
      "interia.pl",     "bluewin.ch",     "comcast.net",  "verizon.net",  "att.net",      "sky.com"};
  return kFree.count(domain) > 0;
}

std::string FoldCase(const std::string& text) {
  bool ascii = std::all_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x80; });
  if (ascii) {
    std::string out = text;
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  std::string out;
  icu::UnicodeString::fromUTF8(text).foldCase().toUTF8String(out);
  return out;
}

namespace {

// Words of a folded text: runs of letters and digits (any non-ASCII byte
// counts as a letter, so accented words stay whole); "&" becomes "and".
std::vector<std::string> Words(const std::string& folded) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&]() {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  for (unsigned char c : folded) {
    if (std::isalnum(c) || c >= 0x80) {
      cur.push_back(static_cast<char>(c));
    } else if (c == '&') {
      flush();
      out.push_back("and");
    } else if (c == '\'') {
      // "O'Brien" -> "obrien"
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace

std::string CompanyKey(const std::string& name) {
  static const std::set<std::string> kLegal = {
      "inc",  "incorporated", "corp", "corporation", "co",   "company", "ltd", "limited", "llc", "llp",
      "lp",   "plc",          "gmbh", "ag",          "kg",   "ug",      "mbh", "sa",      "sas", "sarl",
      "srl",  "spa",          "bv",   "nv",          "oy",   "ab",      "as",  "aps",     "kk",  "pty",
      "pte",  "sl",           "se",   "the",         "group", "holding", "holdings"};
  std::vector<std::string> words = Words(FoldCase(name));
  std::vector<std::string> kept;
  for (const auto& w : words) {
    if (!kLegal.count(w)) kept.push_back(w);
  }
  // "Müller GmbH & Co. KG": an "and" left dangling by the legal words goes too.
  while (!kept.empty() && kept.back() == "and") kept.pop_back();
  while (!kept.empty() && kept.front() == "and") kept.erase(kept.begin());
  if (kept.empty()) kept = words;  // "The Company" stays itself
  std::string out;
  for (const auto& w : kept) out += (out.empty() ? "" : " ") + w;
  return out;
}

double CompanyNameSimilarity(const std::string& a, const std::string& b) {
  std::string ka = CompanyKey(a), kb = CompanyKey(b);
  if (ka.empty() || kb.empty()) return 0;
  if (ka == kb) return 1;
  std::set<std::string> wa, wb;
  std::istringstream sa(ka), sb(kb);
  for (std::string w; sa >> w;) wa.insert(w);
  for (std::string w; sb >> w;) wb.insert(w);
  size_t common = 0;
  for (const auto& w : wa) common += wb.count(w);
  size_t all = wa.size() + wb.size() - common;
  return all == 0 ? 0 : static_cast<double>(common) / static_cast<double>(all);
}

}  // namespace rapport
