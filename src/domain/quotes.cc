#include "domain/quotes.h"

#include <algorithm>
#include <cmath>

namespace rapport {

double RoundCents(double v) { return std::round(v * 100.0) / 100.0; }

double LineTotal(const QuoteLineAmounts& l) {
  double gross = l.quantity * l.list_price;
  double net = gross * (1 - l.discount_pct / 100.0);
  return RoundCents(net * (1 + l.tax_pct / 100.0));
}

QuoteTotals SumQuote(const std::vector<QuoteLineAmounts>& lines) {
  QuoteTotals t;
  for (const auto& l : lines) {
    double gross = l.quantity * l.list_price;
    double discount = gross * l.discount_pct / 100.0;
    double tax = (gross - discount) * l.tax_pct / 100.0;
    t.subtotal += gross;
    t.discount_total += discount;
    t.tax_total += tax;
    t.max_discount_pct = std::max(t.max_discount_pct, l.discount_pct);
  }
  t.subtotal = RoundCents(t.subtotal);
  t.discount_total = RoundCents(t.discount_total);
  t.tax_total = RoundCents(t.tax_total);
  t.total = RoundCents(t.subtotal - t.discount_total + t.tax_total);
  return t;
}

bool QuoteLinesEditable(const std::string& status) { return status == "draft" || status == "rejected"; }

std::string CheckQuoteTransition(const std::string& from, const std::string& to, bool approver, bool needs_approval) {
  if (from == to) return {};
  auto one_of = [&](std::initializer_list<const char*> allowed) {
    for (const char* a : allowed) {
      if (to == a) return true;
    }
    return false;
  };
  bool ok = false;
  if (from == "draft") ok = one_of({"pending_approval", "sent"});
  else if (from == "pending_approval") ok = one_of({"approved", "rejected", "draft"});
  else if (from == "approved") ok = one_of({"sent", "draft"});
  else if (from == "rejected") ok = one_of({"draft", "pending_approval"});
  else if (from == "sent") ok = one_of({"accepted", "declined"});
  if (!ok) return "a " + from + " quote cannot become " + to;
  if ((to == "approved" || to == "rejected") && !approver) return "only a manager or an administrator may " +
                                                                  std::string(to == "approved" ? "approve" : "reject") +
                                                                  " a quote";
  if (to == "sent" && from == "draft" && needs_approval) return "a discount above the approval threshold needs a manager's approval first";
  return {};
}

}  // namespace rapport
