// Campaign rules (issue 4): postal addresses for direct-mail lists (when two
// members live at the same address), telemarketing call outcomes and what
// they do to a member's response status, and the campaign's own consistency.
// Pure functions, no I/O; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

struct PostalAddress {
  std::string street;
  std::string postcode;
  std::string city;
  std::string country;
};

// A letter can be addressed: a street and a postcode or a city.
bool HasPostalAddress(const PostalAddress& a);

// The address reduced for duplicate detection: Unicode case-folded (so "ß" is
// "ss"), punctuation dropped, white space collapsed, common street words
// abbreviated ("Street" -> "st", "Road" -> "rd", "Straße"/"strasse" -> "str",
// ...), postcode without spaces, country names and codes mapped to one code
// for the common ones ("United Kingdom", "UK", "GB" -> "gb"). When a postcode
// is present the city is left out (a postcode is more precise than a city's
// spelling: "München" / "Munich"). Two members with equal keys get one letter.
std::string AddressKey(const PostalAddress& a);

// The outcomes a rep can log for one call.
const std::vector<std::string>& CallOutcomes();
bool IsCallOutcome(const std::string& outcome);

// A member's response status after a call with `outcome`: reached,
// not_interested and callback mean the person answered ("responded"); a
// converted member stays converted; other outcomes leave it as it was.
std::string MemberStatusAfterCall(const std::string& outcome, const std::string& current_status);

// The subject of the call activity logged for an outcome, e.g. "Call: no answer".
std::string CallSubject(const std::string& outcome);

// Campaign fields that must agree: an end date before the start date is
// refused (Unprocessable, field "end_date"). Dates are "YYYY-MM-DD" or "".
Status ValidateCampaignDates(const std::string& start_date, const std::string& end_date);

}  // namespace rapport
