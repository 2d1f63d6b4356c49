// Follow-up cadences (issue 5, docs/decisions/015-cadences-and-renewals.md).
//
// A cadence is organisation configuration (admins write): a name and a list
// of steps (domain/cadences.h). Applying it to a lead, contact or deal makes
// an enrollment (owned like the record: same owner and team) and the first
// step's activity (owner = the record's owner, related to the record, due
// day N after the enrollment started at the same local time in the owner's
// zone). Completing that activity (PATCH done_at, through RecordService) or
// skipping the step (Skip: the open activity is soft-deleted) creates the
// next step's activity; after the last step the enrollment is completed.
// Stop ends it early (its open activity is soft-deleted). One active
// enrollment per record and cadence (409; a unique index makes it hold under
// concurrent requests and several servers). The enrollment keeps a copy of
// the steps it was started with, so editing a cadence never changes a running
// enrollment. Every write goes through RecordService / RecordStore under the
// caller's scope, so it is audited and visibility-checked, in one transaction
// per call. Stateless; one Conn per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

namespace Cadences {

// A cadence as the API shows it: every field, `steps` as an array.
nlohmann::json CadenceToJson(const ObjectDef& def, const Record& r);
// An enrollment as the API shows it: `steps` as an array, and `next_step`
// (the current step: number, type, day, subject, due_at) while active.
nlohmann::json EnrollmentToJson(const ObjectDef& def, const Record& r);

// Turns an API body's `steps` array into the stored text (validated); other
// fields are left for RecordService. InvalidArgument naming the field.
Result<nlohmann::json> PrepareCadenceBody(const nlohmann::json& body, bool creating);
// Object rules of cadences, run by RecordService: the stored steps are valid;
// a new cadence is active unless said otherwise.
Status ApplyRules(const ObjectDef& def, FieldValues* v, const Record* current);

// Soft-deletes a cadence and stops its active enrollments, in one transaction.
Result<Record> DeleteCadence(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id,
                             std::optional<int64_t> expected_version);

// Applies cadence `cadence_id` to the record named by body {"related_object":
// "leads"|"contacts"|"opportunities", "related_id": "..."}. Returns the
// enrollment JSON with "activity" (the first step's activity). NotFound for
// an unknown cadence; InvalidArgument naming the field for a bad body or a
// record the caller cannot see; Unprocessable for an inactive cadence;
// Conflict when the record already has an active enrollment in it.
Result<nlohmann::json> Enroll(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                              const nlohmann::json& body);
// Skips the current step of an active enrollment (its open activity is
// soft-deleted) and schedules the next. Unprocessable if not active.
Result<nlohmann::json> Skip(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                            const std::string& enrollment_id);
// Stops an active enrollment (reason optional, up to 500 characters).
Result<nlohmann::json> Stop(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                            const std::string& enrollment_id, const std::string& reason);

// After an activity update (RecordService, same transaction): completing the
// current step's activity of an active enrollment schedules the next step.
Status AfterActivityUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                           const Record& before, const Record& after);

}  // namespace Cadences

}  // namespace rapport
