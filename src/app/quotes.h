// Quote use cases: pricing lines from the quote's price book, totals, the
// approval flow, versions, and accepting a quote (the deal is won and an
// order is created). Called by RecordService for the quotes and quote_lines
// objects, inside the caller's transaction.
#pragma once

#include "app/records_service.h"

namespace rapport {

class Quotes {
 public:
  // Validates and completes a quote before it is written.
  static Status ApplyQuoteRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                FieldValues* v, const Record* current);
  // Validates and prices a line (list price from the price book, line total).
  static Status ApplyLineRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                               FieldValues* v, const Record* current);
  // After a quote changed: accepting wins the deal and creates the order.
  static Status AfterQuoteWrite(Conn* c, const TenantScope& s, const Catalog& cat, const Record* before,
                                const Record& after);
  // Recomputes the quote's totals from its live lines.
  static Status Recalculate(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id);
  // A product on a live quote line cannot be deleted (Conflict).
  static Status CheckProductDelete(Conn* c, const TenantScope& s, const std::string& product_id);
  // A line can be deleted only while its quote is editable.
  static Status CheckLineDelete(Conn* c, const TenantScope& s, const Catalog& cat, const Record& line);
  // Copies a quote and its lines into version n+1 (a draft); the old one is superseded.
  static Result<Record> Revise(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id);
};

// Appends a deal's stage move to stage_history (same transaction).
Status RecordStageMove(Conn* c, const TenantScope& s, const ObjectDef& def, const Record* before, const Record& after);

}  // namespace rapport
