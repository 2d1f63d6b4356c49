// The printable quote's data (issue 5): one quote, loaded within what the user
// may see, priced with the quote arithmetic of domain/quotes, ready for the
// HTML and PDF renderers of io/quote_document.
#pragma once

#include "app/records_service.h"
#include "io/quote_document.h"

namespace rapport {

// Loads quote `quote_id` with its live lines (in creation order, as the builder),
// product names and SKUs, the account and contact the user may see, the
// owner's name and the organisation's name. Amounts: each line's total and the
// quote's totals are computed from the lines with LineTotal / SumQuote, so the
// document matches the quote builder. NotFound when the quote is absent,
// deleted or not visible to `s`. Reads only; call inside a read transaction
// for one snapshot.
Result<QuoteDocument> LoadQuoteDocument(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id);

}  // namespace rapport
