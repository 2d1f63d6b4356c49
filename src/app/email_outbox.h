// The e-mail outbox (issue 4): messages Rapport wants sent.
//
// Rapport does not deliver mail itself yet. A use case that needs an e-mail
// (a web form's double opt-in confirmation, ...) queues it here, in the
// email_outbox table and in the same transaction as the change it belongs to,
// so a message exists exactly when its change was committed. Delivery is a
// separate component (SMTP, to be built): it takes rows with status 'queued'
// (oldest first, index ix_email_outbox_status), sends them, and sets status
// 'sent' with sent_at, or increments attempts and records last_error (status
// 'failed' once it gives up). It should blank body_text once sent: a
// confirmation link in it is a secret (the database keeps only its hash
// elsewhere). Admins can see the queue: GET /api/v1/email_outbox.
//
// Stateless functions; thread-safe given one Conn per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

struct OutgoingEmail {
  std::string kind;            // what it is for, e.g. "form_confirmation"
  std::string to;              // one address
  std::string subject;
  std::string body_text;       // plain text, UTF-8
  std::string related_object;  // the record it is about ("" = none)
  std::string related_id;
};

// Queues `m` for the organisation (status 'queued'); returns the row's id.
// Runs in the caller's transaction if there is one.
Result<std::string> QueueEmail(Conn* c, const std::string& org_id, const OutgoingEmail& m);

// The organisation's outbox, newest first (administrators only):
// {"data": [{"id", "created_at", "kind", "to", "subject", "body_text",
// "related_object", "related_id", "status", "attempts", "sent_at",
// "last_error"}]}. `status` "" = any; `limit` 1..500.
Result<nlohmann::json> ListEmails(Conn* c, const TenantScope& s, const std::string& status, int limit);

}  // namespace rapport
