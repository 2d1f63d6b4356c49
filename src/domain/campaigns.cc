#include "domain/campaigns.h"

#include <algorithm>
#include <map>

#include "domain/leads.h"  // FoldCase

namespace rapport {

namespace {

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// Folded words of `text` (letters and digits; other ASCII characters split words).
std::vector<std::string> FoldedWords(const std::string& text) {
  std::string f = FoldCase(text);
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : f) {
    if (std::isalnum(c) || c >= 0x80) {
      cur.push_back(static_cast<char>(c));
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string StreetWord(std::string w) {
  static const std::map<std::string, std::string> kAbbrev = {
      {"street", "st"},    {"road", "rd"},       {"avenue", "ave"},  {"av", "ave"},       {"boulevard", "blvd"},
      {"drive", "dr"},     {"lane", "ln"},       {"place", "pl"},    {"square", "sq"},    {"court", "ct"},
      {"terrace", "ter"},  {"crescent", "cres"}, {"highway", "hwy"}, {"parkway", "pkwy"}, {"north", "n"},
      {"south", "s"},      {"east", "e"},        {"west", "w"},      {"strasse", "str"},  {"platz", "pl"},
      {"weg", "weg"},      {"rue", "rue"},       {"apartment", "apt"}, {"suite", "ste"},  {"floor", "fl"},
      {"number", "no"},    {"nr", "no"}};
  auto it = kAbbrev.find(w);
  if (it != kAbbrev.end()) return it->second;
  // German compounds: "hauptstrasse" (folded from "Hauptstraße") -> "hauptstr".
  if (EndsWith(w, "strasse") && w.size() > 7) return w.substr(0, w.size() - 7) + "str";
  return w;
}

std::string CountryCode(const std::string& country) {
  static const std::map<std::string, std::string> kCountries = {
      {"gb", "gb"},          {"uk", "gb"},       {"united kingdom", "gb"}, {"great britain", "gb"}, {"england", "gb"},
      {"us", "us"},          {"usa", "us"},      {"united states", "us"},  {"united states of america", "us"},
      {"de", "de"},          {"germany", "de"},  {"deutschland", "de"},    {"fr", "fr"},             {"france", "fr"},
      {"ch", "ch"},          {"switzerland", "ch"}, {"schweiz", "ch"},     {"suisse", "ch"},         {"at", "at"},
      {"austria", "at"},     {"österreich", "at"}, {"osterreich", "at"},   {"nl", "nl"},             {"netherlands", "nl"},
      {"the netherlands", "nl"}, {"nederland", "nl"}, {"es", "es"},        {"spain", "es"},          {"españa", "es"},
      {"it", "it"},          {"italy", "it"},    {"italia", "it"},         {"be", "be"},             {"belgium", "be"},
      {"ie", "ie"},          {"ireland", "ie"},  {"ca", "ca"},             {"canada", "ca"},         {"au", "au"},
      {"australia", "au"}};
  std::vector<std::string> w = FoldedWords(country);
  std::string joined;
  for (const auto& x : w) joined += (joined.empty() ? "" : " ") + x;
  auto it = kCountries.find(joined);
  return it == kCountries.end() ? joined : it->second;
}

}  // namespace

bool HasPostalAddress(const PostalAddress& a) {
  return !Blank(a.street) && (!Blank(a.postcode) || !Blank(a.city));
}

std::string AddressKey(const PostalAddress& a) {
  std::string street;
  for (const auto& w : FoldedWords(a.street)) street += (street.empty() ? "" : " ") + StreetWord(w);
  std::string postcode;
  for (const auto& w : FoldedWords(a.postcode)) postcode += w;
  std::string city;
  for (const auto& w : FoldedWords(a.city)) city += (city.empty() ? "" : " ") + w;
  std::string key = street + "|";
  key += postcode.empty() ? "city:" + city : "pc:" + postcode;
  key += "|" + CountryCode(a.country);
  return key;
}

const std::vector<std::string>& CallOutcomes() {
  static const std::vector<std::string> kOutcomes = {"reached",      "no_answer",      "voicemail",
                                                     "wrong_number", "not_interested", "callback"};
  return kOutcomes;
}

bool IsCallOutcome(const std::string& outcome) {
  const auto& all = CallOutcomes();
  return std::find(all.begin(), all.end(), outcome) != all.end();
}

std::string MemberStatusAfterCall(const std::string& outcome, const std::string& current) {
  if (current == "converted") return current;
  if (outcome == "reached" || outcome == "not_interested" || outcome == "callback") return "responded";
  return current.empty() ? "sent" : current;
}

std::string CallSubject(const std::string& outcome) {
  std::string words = outcome;
  std::replace(words.begin(), words.end(), '_', ' ');
  return "Call: " + words;
}

Status ValidateCampaignDates(const std::string& start_date, const std::string& end_date) {
  if (!start_date.empty() && !end_date.empty() && end_date < start_date)
    return Status::Unprocessable("end_date: the campaign ends (" + end_date + ") before it starts (" + start_date + ")",
                                 "end_date");
  return Status::Ok();
}

}  // namespace rapport
