// Quote arithmetic and the quote status flow. Pure functions, no I/O.
#pragma once

#include <string>
#include <vector>

namespace rapport {

struct QuoteLineAmounts {
  double quantity = 0;
  double list_price = 0;
  double discount_pct = 0;
  double tax_pct = 0;
};

// Line total: quantity x list price, less the discount, plus tax on the
// discounted amount; rounded to cents.
double LineTotal(const QuoteLineAmounts& l);

struct QuoteTotals {
  double subtotal = 0;        // sum of quantity x list price
  double discount_total = 0;  // sum of discounts
  double tax_total = 0;       // sum of tax on discounted amounts
  double total = 0;           // subtotal - discount + tax
  double max_discount_pct = 0;
};
QuoteTotals SumQuote(const std::vector<QuoteLineAmounts>& lines);

// Rounds to cents (half away from zero).
double RoundCents(double v);

// Whether a user may move a quote from `from` to `to`. `approver` is a
// manager or admin; `needs_approval` is true when a line discount exceeds the
// organisation's threshold and the quote has not been approved. Returns an
// empty string when allowed, else the reason.
std::string CheckQuoteTransition(const std::string& from, const std::string& to, bool approver, bool needs_approval);

// Lines may be changed only while the quote is a draft or was rejected.
bool QuoteLinesEditable(const std::string& status);

}  // namespace rapport
