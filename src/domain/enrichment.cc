#include "domain/enrichment.h"

#include "domain/leads.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace rapport {

namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Get(const LeadFacts& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : it->second;
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace

std::map<std::string, std::string> RunEnrichment(const std::vector<const EnrichmentProvider*>& providers,
                                                 const std::vector<std::string>& fillable, LeadFacts* lead) {
  std::map<std::string, std::string> filled;
  for (const EnrichmentProvider* p : providers) {
    if (!p) continue;
    LeadFacts proposal = p->Propose(*lead);
    for (const auto& [field, value] : proposal) {
      if (Trim(value).empty()) continue;
      if (std::find(fillable.begin(), fillable.end(), field) == fillable.end()) continue;
      std::string& cur = (*lead)[field];
      if (!Trim(cur).empty()) continue;  // never overwrite what the lead said
      cur = value;
      filled[field] = p->name();
    }
  }
  return filled;
}

std::string NormalizeDomain(std::string_view text) {
  std::string s = Trim(text);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t scheme = s.find("://");
  if (scheme != std::string::npos) s = s.substr(scheme + 3);
  size_t at = s.rfind('@');
  if (at != std::string::npos) s = s.substr(at + 1);
  size_t end = s.find_first_of("/?#:");
  if (end != std::string::npos) s = s.substr(0, end);
  while (!s.empty() && s.back() == '.') s.pop_back();
  if (s.rfind("www.", 0) == 0) s = s.substr(4);
  if (s.find('.') == std::string::npos || s.front() == '.') return {};
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || static_cast<unsigned char>(c) >= 0x80))
      return {};
  }
  return s;
}

std::string CompanyDomainOfEmail(const std::string& email) {
  std::string d = NormalizeDomain(EmailDomain(email));
  return d.empty() || IsFreeMailDomain(d) ? std::string() : d;
}

std::string EmployeeBand(double e) {
  if (!(e >= 1)) return {};
  if (e <= 10) return "1-10";
  if (e <= 50) return "11-50";
  if (e <= 200) return "51-200";
  if (e <= 500) return "201-500";
  if (e <= 1000) return "501-1000";
  if (e <= 5000) return "1001-5000";
  if (e <= 10000) return "5001-10000";
  return "10001+";
}

std::string CanonicalEmployeeBand(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') s += c;
  }
  static const char* kBands[] = {"1-10",     "11-50",     "51-200",     "201-500",
                                 "501-1000", "1001-5000", "5001-10000", "10001+"};
  for (const char* b : kBands) {
    if (s == b) return b;
  }
  return {};
}

const std::string& EmailDomainProvider::name() const {
  static const std::string n = "email_domain";
  return n;
}

LeadFacts EmailDomainProvider::Propose(const LeadFacts& lead) const {
  std::string d = CompanyDomainOfEmail(Get(lead, "email"));
  if (d.empty()) return {};
  return {{"company_domain", d}};
}

void CompanyDirectory::Add(const std::string& domain, CompanyFacts facts) { by_domain_[domain] = std::move(facts); }

const CompanyFacts* CompanyDirectory::Find(const std::string& domain) const {
  std::string d = domain;
  while (true) {
    auto it = by_domain_.find(d);
    if (it != by_domain_.end()) return &it->second;
    size_t dot = d.find('.');
    if (dot == std::string::npos || d.find('.', dot + 1) == std::string::npos) return nullptr;
    d = d.substr(dot + 1);  // sales.acme.com -> acme.com (never the bare TLD)
  }
}

const std::string& CompanyDirectory::name() const {
  static const std::string n = "company_reference";
  return n;
}

LeadFacts CompanyDirectory::Propose(const LeadFacts& lead) const {
  std::string d = NormalizeDomain(Get(lead, "company_domain"));
  if (d.empty()) d = CompanyDomainOfEmail(Get(lead, "email"));
  if (d.empty()) return {};
  const CompanyFacts* f = Find(d);
  if (!f) return {};
  LeadFacts out;
  out["company"] = f->name;
  out["industry"] = f->industry;
  out["country"] = f->country;
  std::string band = f->employee_band;
  if (f->employees >= 0) {
    out["employees"] = FormatNumber(f->employees);
    if (band.empty()) band = EmployeeBand(f->employees);
  }
  out["employee_band"] = band;
  return out;
}

}  // namespace rapport
