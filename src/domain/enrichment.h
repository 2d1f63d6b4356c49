// Enrichment: providers that propose values for a lead's empty fields.
//
// Every provider implements one interface (EnrichmentProvider): given what a
// lead already says (field -> text), it proposes values for other fields.
// RunEnrichment runs providers in order and keeps a proposal only for a field
// that is still empty, so what the lead said is never overwritten and the
// first provider to fill a field wins; it returns field -> provider for what
// it filled, which the lead stores (its `enrichment` field).
//
// Shipped providers (pure, in memory):
// - EmailDomainProvider ("email_domain"): company_domain from the email's
//   domain, unless it is a free-mail domain (gmail.com, ...);
// - CompanyDirectory ("company_reference"): the organisation's company
//   reference file, domain -> company name, industry, employees, size band,
//   country; one hash lookup per lead (a subdomain falls back to its parent).
// A commercial data provider would be one more class behind the interface.
// Thread-safe once built (read-only).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rapport {

using LeadFacts = std::map<std::string, std::string>;  // field -> text ("" = empty)

class EnrichmentProvider {
 public:
  virtual ~EnrichmentProvider() = default;
  virtual const std::string& name() const = 0;
  // Values this provider knows for the lead (field -> text); may include
  // fields the lead already has (RunEnrichment keeps only empty ones).
  virtual LeadFacts Propose(const LeadFacts& lead) const = 0;
};

// Fills empty fields of *lead from the providers, in order. Only fields in
// `fillable` are filled. Returns field -> provider name for each value set.
std::map<std::string, std::string> RunEnrichment(const std::vector<const EnrichmentProvider*>& providers,
                                                 const std::vector<std::string>& fillable, LeadFacts* lead);

// "https://www.Example.com/about" -> "example.com"; "" if it is not a domain.
// (An email's domain and free-mail domains: EmailDomain / IsFreeMailDomain in
// domain/leads.h.)
std::string NormalizeDomain(std::string_view text);
// The company domain an email says, "" for none or a free-mail domain.
std::string CompanyDomainOfEmail(const std::string& email);
// The size band of a head count: "1-10", "11-50", ..., "10001+" ("" if < 1).
std::string EmployeeBand(double employees);
// A band as people write it ("51 - 200", "10,001+", "5000-10000") in the
// canonical form, or "" if it is not one of the bands.
std::string CanonicalEmployeeBand(std::string_view text);

class EmailDomainProvider : public EnrichmentProvider {
 public:
  const std::string& name() const override;
  LeadFacts Propose(const LeadFacts& lead) const override;
};

struct CompanyFacts {
  std::string name, industry, employee_band, country;
  double employees = -1;  // < 0: unknown
};

class CompanyDirectory : public EnrichmentProvider {
 public:
  explicit CompanyDirectory(int64_t version = 0) : version_(version) {}
  void Add(const std::string& domain, CompanyFacts facts);  // domain as NormalizeDomain gives it
  const CompanyFacts* Find(const std::string& domain) const;  // exact, then parent domains
  size_t size() const { return by_domain_.size(); }
  int64_t version() const { return version_; }

  const std::string& name() const override;
  // Looks up company_domain (or the email's domain) and proposes company,
  // industry, employees, employee_band and country.
  LeadFacts Propose(const LeadFacts& lead) const override;

 private:
  int64_t version_;
  std::unordered_map<std::string, CompanyFacts> by_domain_;
};

}  // namespace rapport
