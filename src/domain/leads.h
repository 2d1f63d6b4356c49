// Lead rules (issue 4): the status flow, when a lead may be converted, and the
// keys used to offer existing accounts and contacts when converting. Pure
// functions over strings, no I/O (ARCHITECTURE.md, domain/); thread-safe.
//
// The status flow:
//
//   unconfirmed --(double opt-in confirmed)--> new
//   new --> working --> qualified | disqualified (with a reason) | nurturing
//
// plus the moves sales people need in practice: new may go straight to
// qualified (a hot lead, or a score threshold: auto-qualify rules reuse
// ValidateLeadTransition) or to disqualified (spam, junk); qualified and
// nurturing may go back to working; a disqualified lead may be reopened
// (-> working). `converted` is reached only by converting
// (app/leads.h ConvertLead) and is final; `unconfirmed` is set only by a web
// form with double opt-in.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

// One requested change of a lead's status, with the values the lead will have
// after the change.
struct LeadStatusChange {
  std::string from;                      // current status ("" = none, treated as "new")
  std::string to;                        // requested status
  std::string disqualified_reason;       // picklist value after the change ("" = none)
  std::string disqualified_reason_text;  // free text after the change
};

// Every status, in flow order (for the UI and tests).
const std::vector<std::string>& LeadStatuses();

// The statuses a person may move a lead in `from` to (not including `from`
// itself, which is always allowed as a no-op). Empty for converted.
std::vector<std::string> AllowedLeadTransitions(const std::string& from);

// OK if the change is allowed. Otherwise Unprocessable (422) naming the field:
// "status" for a move the flow does not allow (the message lists the allowed
// ones), "disqualified_reason" when disqualifying without a reason, and
// "disqualified_reason_text" when the reason is "other" without details.
// A change to the same status is always OK (other fields are being edited),
// except that a lead staying disqualified must keep its reason.
Status ValidateLeadTransition(const LeadStatusChange& change);

// May a lead in `status` be converted? OK for new, working, qualified and
// nurturing; Conflict (409) for converted; Unprocessable (422, field
// "status") for disqualified (reopen it first) and unconfirmed (awaiting the
// person's confirmation).
Status CheckLeadConvertible(const std::string& status);

// --- matching (convert: offer existing records instead of duplicates)

// The lower-case domain of an e-mail address ("" when there is none).
std::string EmailDomain(const std::string& email);

// True for consumer mailbox providers (gmail.com, outlook.com, web.de, ...),
// whose domain says nothing about the person's company.
bool IsFreeMailDomain(const std::string& domain);

// A company name reduced for comparison: Unicode case-folded, punctuation
// dropped, white space collapsed, and legal-form words removed ("Acme Corp.",
// "ACME Corporation" and "acme, inc" all give "acme"). "" for an empty name.
std::string CompanyKey(const std::string& name);

// How alike two company names are, from 0 to 1: 1 when their CompanyKeys are
// equal, otherwise the share of words the keys have in common (Jaccard).
double CompanyNameSimilarity(const std::string& a, const std::string& b);

// Names at or above this similarity are offered as matches.
constexpr double kCompanyMatchThreshold = 0.6;

// Unicode case folding of UTF-8 text (ICU), e.g. "MÜLLER Straße" -> "müller strasse".
std::string FoldCase(const std::string& text);

}  // namespace rapport
