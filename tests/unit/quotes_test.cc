// Quote arithmetic and status flow (src/domain/quotes.h).
#include "domain/quotes.h"

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(QuoteMathTest, LineTotalsDiscountBeforeTaxAndRoundToCents) {
  EXPECT_DOUBLE_EQ(LineTotal({10, 100, 0, 20}), 1200);
  EXPECT_DOUBLE_EQ(LineTotal({5, 100, 30, 0}), 350);
  EXPECT_DOUBLE_EQ(LineTotal({3, 0.1, 0, 0}), 0.3);
  EXPECT_DOUBLE_EQ(LineTotal({1, 9.99, 33.3333, 7.7}), 7.17);  // 9.99 x 0.666667 x 1.077 = 7.1728
  QuoteTotals t = SumQuote({{10, 100, 0, 20}, {5, 100, 30, 0}});
  EXPECT_DOUBLE_EQ(t.subtotal, 1500);
  EXPECT_DOUBLE_EQ(t.discount_total, 150);
  EXPECT_DOUBLE_EQ(t.tax_total, 200);
  EXPECT_DOUBLE_EQ(t.total, 1550);
  EXPECT_DOUBLE_EQ(t.max_discount_pct, 30);
  EXPECT_DOUBLE_EQ(SumQuote({}).total, 0);
}

TEST(QuoteFlowTest, TransitionsAndApproval) {
  EXPECT_EQ(CheckQuoteTransition("draft", "sent", false, false), "");
  EXPECT_NE(CheckQuoteTransition("draft", "sent", false, true), "");
  EXPECT_EQ(CheckQuoteTransition("draft", "pending_approval", false, true), "");
  EXPECT_NE(CheckQuoteTransition("pending_approval", "approved", false, true), "");
  EXPECT_EQ(CheckQuoteTransition("pending_approval", "approved", true, true), "");
  EXPECT_EQ(CheckQuoteTransition("approved", "sent", false, true), "");
  EXPECT_EQ(CheckQuoteTransition("sent", "accepted", false, false), "");
  EXPECT_NE(CheckQuoteTransition("accepted", "draft", true, false), "");
  EXPECT_NE(CheckQuoteTransition("draft", "accepted", true, false), "");
  EXPECT_TRUE(QuoteLinesEditable("draft"));
  EXPECT_TRUE(QuoteLinesEditable("rejected"));
  EXPECT_FALSE(QuoteLinesEditable("sent"));
}

}  // namespace
}  // namespace rapport
